// The spec as the page edits it: always complete (every field filled from the catalog's defaults),
// so controls never have to guess a value, and links only carry what differs from the defaults.

export interface Layer {
  type: 'dense';
  units: number;
  activation: string;
  dropout: number;
  batchnorm: boolean;
}

export interface Choice {
  name: string;
  [parameter: string]: unknown;
}

export interface FullSpec {
  data: {
    dataset: string;
    n_samples: number;
    noise: number;
    test_fraction: number;
    features: string[];
    seed: number;
  };
  model: { layers: Layer[]; init: string; output_activation: string };
  train: {
    loss: string;
    optimizer: Choice & { lr: number };
    schedule: Choice;
    batch_size: number;
    epochs: number;
    max_steps: number | null;
    l1: number;
    l2: number;
    weight_elimination: { lambda: number; beta: number } | null;
    grad_clip: number | null;
    early_stopping: { patience: number; min_delta: number; restore_best: boolean } | null;
    seed: number;
  };
  stream: { max_fps: number; grid: number };
}

type Plain = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `over` laid onto `base`, recursively for objects; arrays and scalars in `over` replace. */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const merged: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = deepMerge((base as Plain)[key], value);
  return merged as T;
}

/** A layer as written in a preset (`{"units": 4}`) filled with the dense layer's defaults. */
export function fullLayer(layer: Partial<Layer>, defaults: Layer): Layer {
  return { ...defaults, ...layer } as Layer;
}

/**
 * A partial spec (a preset, a link) completed with the defaults. Layers are merged one by one with
 * the default layer, and a named optimizer or schedule with its own defaults (not another one's).
 */
export function completeSpec(
  partial: unknown,
  defaults: FullSpec,
  choiceDefaults: (kind: 'optimizer' | 'schedule', name: string) => Choice,
): FullSpec {
  const spec = deepMerge(structuredClone(defaults), structuredClone(partial ?? {}));
  const layerDefaults = defaults.model.layers[0] ?? { type: 'dense', units: 8, activation: 'tanh', dropout: 0, batchnorm: false };
  const given = (partial as { model?: { layers?: Partial<Layer>[] } } | undefined)?.model?.layers;
  if (given) spec.model.layers = given.map((layer) => fullLayer(layer, layerDefaults));
  for (const kind of ['optimizer', 'schedule'] as const) {
    const chosen = spec.train[kind];
    spec.train[kind] = { ...choiceDefaults(kind, chosen.name), ...(partial as any)?.train?.[kind] } as any;
  }
  return spec;
}

/** Switch to another optimizer or schedule: its own defaults, keeping the learning rate. */
export function switchChoice(current: Choice, next: Choice): Choice {
  return 'lr' in current && 'lr' in next ? { ...next, lr: current.lr } : { ...next };
}

export type Regularization = 'none' | 'l1' | 'l2' | 'weight_elimination';

/** TF Playground's one regularization menu over our three penalties. */
export function regularizationOf(train: FullSpec['train']): { kind: Regularization; rate: number } {
  if (train.weight_elimination) return { kind: 'weight_elimination', rate: train.weight_elimination.lambda };
  if (train.l1 > 0) return { kind: 'l1', rate: train.l1 };
  if (train.l2 > 0) return { kind: 'l2', rate: train.l2 };
  return { kind: 'none', rate: 0 };
}

export function setRegularization(train: FullSpec['train'], kind: Regularization, rate: number, beta = 1): void {
  train.l1 = kind === 'l1' ? rate : 0;
  train.l2 = kind === 'l2' ? rate : 0;
  train.weight_elimination = kind === 'weight_elimination' ? { lambda: rate, beta } : null;
}

/** The activation shared by every hidden layer, or null when they differ (set per layer). */
export function commonActivation(layers: Layer[]): string | null {
  const names = new Set(layers.map((layer) => layer.activation));
  return names.size === 1 ? [...names][0] : null;
}
