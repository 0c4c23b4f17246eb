// The page's whole state in the URL's hash, so a link reproduces an experiment.
//
// Only what differs from the defaults is written, one `dotted.path=value` pair per leaf, so links
// stay short and readable: `#data.dataset=spiral&train.optimizer.lr=0.03&hide=lr,noise`.
// Arrays (layers, features) are written whole as JSON. A link to one stored run carries its id instead
// of a spec (`#run=ID`, opened read-only), and `embed=1` shows the page without its chrome (an iframe).

import { isPlainObject } from './spec';

export interface PageState<S> {
  /** The whole spec when writing; when reading, only the fields the link changes (complete it with completeSpec). */
  spec: S;
  /** Control ids hidden from students (assignment links). */
  hidden: string[];
  /** View toggles. */
  showTest: boolean;
  discretize: boolean;
  /** The loss curves' smoothing weight, 0 (raw) to below 1. */
  smoothing?: number;
  /** The page inside another (a course page's iframe): no title, sign-in, lessons, history or share panel. */
  embed?: boolean;
  /** A stored run shown read-only: the link then carries its id, not a spec. */
  run?: string | null;
}

const VIEW_KEYS = ['hide', 'showTest', 'discretize', 'smooth', 'embed', 'run'] as const;
const MAX_SMOOTHING = 0.99;

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The leaves of `value` that differ from `base`, keyed by their dotted path. */
export function changedLeaves(value: unknown, base: unknown, prefix = ''): [string, unknown][] {
  if (isPlainObject(value) && isPlainObject(base)) {
    return Object.entries(value).flatMap(([key, child]) =>
      changedLeaves(child, base[key], prefix ? `${prefix}.${key}` : key),
    );
  }
  return sameValue(value, base) ? [] : [[prefix, value]];
}

/** A string is written bare unless reading it back as JSON would give something else. */
export function encodeValue(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  try {
    JSON.parse(value);
    return JSON.stringify(value); // "1", "true", "null": quote them so they stay strings
  } catch {
    return value;
  }
}

export function decodeValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** The spec a link's leaves are laid over: the defaults, or with `complete`, the defaults of the chosen optimizer and schedule. */
export type Complete<S> = (partial: Record<string, unknown>) => S;

function partialOf(leaves: [string, unknown][]): Record<string, unknown> {
  const partial: Record<string, unknown> = {};
  for (const [path, value] of leaves) setPath(partial, path, structuredClone(value));
  return partial;
}

/**
 * The leaves a link must carry. A value is left out only when it equals the default of the current
 * choice: SGD's learning rate is compared with SGD's default, not Adam's, since that is what the
 * reader (completeSpec) will fill in. So the choices' names come first, then what differs from them.
 */
export function linkLeaves<S>(spec: S, defaults: S, complete?: Complete<S>): [string, unknown][] {
  if (!complete) return changedLeaves(spec, defaults);
  const names = changedLeaves(spec, defaults).filter(([path]) => path.endsWith('.name'));
  const leaves = new Map([...names, ...changedLeaves(spec, complete(partialOf(names)))]);
  // Whatever the reader would still fill in differently (a choice completeSpec treats in its own way) goes in too.
  for (const [path, value] of changedLeaves(spec, complete(partialOf([...leaves])))) leaves.set(path, value);
  return [...leaves];
}

export function toHash<S>(state: PageState<S>, defaults: S, complete?: Complete<S>): string {
  const params = new URLSearchParams();
  if (state.run) params.set('run', state.run);
  else for (const [path, value] of linkLeaves(state.spec, defaults, complete)) params.set(path, encodeValue(value));
  if (state.hidden.length) params.set('hide', state.hidden.join(','));
  if (!state.showTest) params.set('showTest', 'false');
  if (state.discretize) params.set('discretize', 'true');
  if (state.smoothing) params.set('smooth', String(state.smoothing));
  if (state.embed) params.set('embed', '1');
  return params.toString();
}

/** Read a hash written by toHash: the spec's changed fields, to lay over the defaults. */
export function fromHash(hash: string): Required<PageState<Record<string, unknown>>> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const changes: Record<string, unknown> = {};
  for (const [path, text] of params) {
    if (!(VIEW_KEYS as readonly string[]).includes(path)) setPath(changes, path, decodeValue(text));
  }
  return {
    spec: changes,
    hidden: (params.get('hide') ?? '').split(',').filter(Boolean),
    showTest: params.get('showTest') !== 'false',
    discretize: params.get('discretize') === 'true',
    smoothing: smoothingOf(params.get('smooth')),
    embed: ['1', 'true'].includes(params.get('embed') ?? ''),
    run: params.get('run') || null,
  };
}

/** A smoothing weight from a link: a number in [0, 0.99], anything else none. */
function smoothingOf(text: string | null): number {
  const weight = Number(text);
  return Number.isFinite(weight) ? Math.min(Math.max(weight, 0), MAX_SMOOTHING) : 0;
}

/** The address of one stored run, opened read-only (embedded without the page's chrome). */
export function runLink(runId: string, page: { origin: string; pathname: string }, embed = false): string {
  return `${page.origin}${page.pathname}#${new URLSearchParams({ run: runId, ...(embed ? { embed: '1' } : {}) })}`;
}
