// The spec as the page edits it: always complete (every field filled from the catalog's defaults),
// so controls never have to guess a value, and links only carry what differs from the defaults.

/** A dense layer; the page edits other layer types generically, from their catalog entry. */
export interface Layer {
  type: string;
  units: number;
  activation: string;
  dropout: number;
  batchnorm: boolean;
  [parameter: string]: unknown;
}

export interface Choice {
  name: string;
  [parameter: string]: unknown;
}

/** model.autoencoder, as the server's spec defines it (workers/engine/kinds/autoencoders/options.py). */
export interface AutoencoderOptions {
  code: number;
  code_activation: string;
  noise: number;
  test_noise: number | null;
  sparsity: number;
}

export interface FullSpec {
  data: {
    dataset: string;
    n_samples: number;
    noise: number;
    test_fraction: number;
    features: string[];
    seed: number;
    /** Images only: resample to this many pixels a side (null: the dataset's own size). */
    image_size?: number | null;
    /** Images only: random changes to the training images (shift, flip, rotate, noise). */
    augment?: Record<string, unknown> | null;
    /** k-class 2-D datasets only (blobs, spirals): how many classes (null: the dataset's default). */
    classes?: number | null;
    /** Uploaded datasets only: the two feature columns drawn (null: the first two). */
    axes?: string[] | null;
  };
  /** `autoencoder`: the autoencoder datasets' bottleneck and variants (null or absent: the defaults). */
  model: { layers: Layer[]; init: string; bias_init: number; output_activation: string; autoencoder?: AutoencoderOptions | null };
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
  stream: {
    max_fps: number;
    grid: number;
    /** Autograd against finite differences every few epochs (null: off). */
    gradient_check?: { epsilon: number; samples: number; every: number } | null;
  };
  /** GAN datasets only: the discriminator and the game (null: the defaults). */
  gan?: Record<string, unknown> | null;
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

export type ChoiceKind = 'optimizer' | 'schedule' | 'layer';
/** A choice's defaults from the catalog: an optimizer or schedule by name, a layer by type. */
export type ChoiceDefaults = (kind: ChoiceKind, name: string) => Choice;

type AnyLayer = { type?: string; layers?: AnyLayer[]; [parameter: string]: unknown };

/** A layer as written in a preset (`{"units": 4}` is dense) filled with its type's defaults. */
export function fullLayer(layer: AnyLayer, choiceDefaults: ChoiceDefaults): Layer {
  const type = layer.type ?? 'dense';
  const { name: _, ...defaults } = choiceDefaults('layer', type);
  const full: AnyLayer = { ...defaults, ...layer, type };
  if (Array.isArray(layer.layers)) full.layers = layer.layers.map((inner) => fullLayer(inner, choiceDefaults));
  return full as unknown as Layer;
}

/**
 * The server's defaults of the optional settings the page edits field by field (workers/engine/spec.py
 * EarlyStopping, WeightElimination; the catalog's defaults hold them as null). A lesson or link that gives
 * one in part gets the rest from here: left unset, the early-stopping lesson's `{patience: 20}` met an
 * unticked *Restore the best weights* box, which wrote `restore_best: false`, so the page trained other
 * than the server's (and the lesson's) `true`.
 */
export const OPTIONAL_DEFAULTS = {
  early_stopping: { patience: 10, min_delta: 0, restore_best: true },
  weight_elimination: { lambda: 0.001, beta: 1 },
} as const;

/**
 * A partial spec (a preset, a link) completed with the defaults. Layers are completed one by one
 * with their type's defaults, a named optimizer or schedule with its own (not another one's), and
 * early stopping or weight elimination, when on, with theirs.
 */
export function completeSpec(partial: unknown, defaults: FullSpec, choiceDefaults: ChoiceDefaults): FullSpec {
  const spec = deepMerge(structuredClone(defaults), structuredClone(partial ?? {}));
  const given = (partial as { model?: { layers?: AnyLayer[] } } | undefined)?.model?.layers;
  spec.model.layers = (given ?? defaults.model.layers).map((layer) => fullLayer(layer, choiceDefaults));
  for (const kind of ['optimizer', 'schedule'] as const) {
    const chosen = spec.train[kind];
    spec.train[kind] = { ...choiceDefaults(kind, chosen.name), ...(partial as any)?.train?.[kind] } as any;
  }
  for (const key of ['early_stopping', 'weight_elimination'] as const) {
    const given = spec.train[key];
    if (isPlainObject(given)) spec.train[key] = { ...OPTIONAL_DEFAULTS[key], ...given } as any;
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

export function setRegularization(train: FullSpec['train'], kind: Regularization, rate: number, beta: number = OPTIONAL_DEFAULTS.weight_elimination.beta): void {
  train.l1 = kind === 'l1' ? rate : 0;
  train.l2 = kind === 'l2' ? rate : 0;
  train.weight_elimination = kind === 'weight_elimination' ? { lambda: rate, beta } : null;
}

/** The activation shared by every hidden layer, or null when they differ (set per layer). */
export function commonActivation(layers: Layer[]): string | null {
  const names = new Set(layers.filter((layer) => 'activation' in layer).map((layer) => layer.activation));
  return names.size === 1 ? [...names][0] : null;
}

/** Give every layer that has an activation (dense, conv2d, residual) this one. */
export function setActivation(layers: Layer[], name: string): void {
  for (const layer of layers) if ('activation' in layer) layer.activation = name;
}
