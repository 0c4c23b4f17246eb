// What an edit made during a run means: the settings a run takes live (the `set` control action), or
// a change that needs a new run (a new network, other data), as TensorFlow Playground resets for it.

import type { components } from './generated/api';
import type { FullSpec } from './spec';
import { changedLeaves } from './urlState';

type Schema = components['schemas']['LiveValues'];
/** The settings a live `set` names (the schema's own keys, without its weight and bias paths). */
type LivePath = keyof { [K in keyof Schema as string extends K ? never : K]: Schema[K] };
/** The body of a live `set`: {dotted spec path: value}, as the server's LiveValues schema names them; a
 * weight or bias of a 2-D network is `weights.L.O.I` or `biases.L.U` (parameterPath). */
export type LiveValues = { [path in LivePath]?: number } & { [path: string]: number };

// Every path the server takes live; the record makes the compiler list each one the schema has.
const LIVE: Record<LivePath, string> = {
  'train.optimizer.lr': 'lr',
  'train.l1': 'L1',
  'train.l2': 'L2',
  'train.batch_size': 'batch',
};
export const LIVE_PATHS = Object.keys(LIVE) as LivePath[];

export interface SpecEdit {
  /** The live settings that changed, with their new values. */
  live: LiveValues;
  /** The dotted paths of the other changes: any one of them needs a new run. */
  restart: string[];
}

const isLive = (path: string): path is LivePath => path in LIVE;

/** The path of a `set` that puts a value into one weight (into unit `to` from input `from`) or one bias (of
 * unit `to`) of weight layer `layer`: the hidden layers, then the output, counted from 0. */
export function parameterPath(layer: number, to: number, from?: number): string {
  return from === undefined ? `biases.${layer}.${to}` : `weights.${layer}.${to}.${from}`;
}

/** How `edited` differs from the spec the run trains with. */
export function classifyEdit(running: FullSpec, edited: FullSpec): SpecEdit {
  const live: LiveValues = {};
  const restart: string[] = [];
  for (const [path, value] of changedLeaves(edited, running)) {
    if (!isLive(path)) restart.push(path);
    else if (typeof value === 'number' && Number.isFinite(value)) live[path] = value;
    // else a field being typed into (empty for now): nothing to send yet, and no reason for a new run
  }
  return { live, restart };
}

/** The spec with the live settings blanked: what a network's start depends on (they change only its training). */
export function withoutLive(spec: FullSpec): FullSpec {
  const { optimizer, ...train } = spec.train;
  return { ...spec, train: { ...train, optimizer: { ...optimizer, lr: 0 }, l1: 0, l2: 0, batch_size: 0 } };
}

/** A chart marker's label: "lr 0.1", "L2 0.003 · batch 5". */
export function changeLabel(live: LiveValues): string {
  return LIVE_PATHS.filter((path) => live[path] !== undefined)
    .map((path) => `${LIVE[path]} ${live[path]}`)
    .join(' · ');
}

// What a change that needs a new run is called, by the first part of its path that names it.
const NAMES: [string, string][] = [
  ['data.dataset', 'the dataset'],
  ['data.features', 'the input features'],
  ['data.', 'the data'],
  ['model.layers', 'the network'],
  ['model.init', 'the initialisation'],
  ['model.bias_init', 'the initialisation'],
  ['model.', 'the network'],
  ['train.optimizer.name', 'the optimizer'],
  ['train.optimizer.', 'the optimizer’s settings'],
  ['train.schedule', 'the learning-rate schedule'],
  ['train.weight_elimination', 'weight elimination'],
  ['train.seed', 'the seed'],
  ['train.epochs', 'the number of epochs'],
  ['train.', 'the training settings'],
];

/** The changes that need a new run, in words: "the dataset and the network". */
export function describeRestart(paths: string[], running?: FullSpec, edited?: FullSpec): string {
  const name = (path: string) => {
    // The layers are compared whole; when only their activations differ, say that.
    if (path === 'model.layers' && running && edited && sameShape(running, edited)) return 'the activation';
    return NAMES.find(([prefix]) => path === prefix || path.startsWith(prefix))?.[1] ?? path;
  };
  const names = [...new Set(paths.map(name))];
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? '');
}

function sameShape(a: FullSpec, b: FullSpec): boolean {
  const strip = (spec: FullSpec) => JSON.stringify(spec.model.layers.map(({ activation: _, ...rest }) => rest));
  return strip(a) === strip(b);
}
