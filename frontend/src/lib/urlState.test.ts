import { describe, expect, it } from 'vitest';
import { CHOICE_NAMES, choiceDefaults, DEFAULTS } from './fixtures';
import { completeSpec, type ChoiceKind, type FullSpec } from './spec';
import { decodeValue, encodeValue, fromHash, runLink, toHash } from './urlState';

function roundTrip(spec: FullSpec, view = { hidden: [] as string[], showTest: true, discretize: false }) {
  const hash = toHash({ spec, ...view }, DEFAULTS);
  const read = fromHash(`#${hash}`);
  return { hash, read, spec: completeSpec(read.spec, DEFAULTS, choiceDefaults) };
}

describe('URL state', () => {
  it('writes nothing for the defaults', () => {
    expect(toHash({ spec: DEFAULTS, hidden: [], showTest: true, discretize: false }, DEFAULTS)).toBe('');
  });

  it('round-trips a whole experiment, writing only what changed', () => {
    const spec = completeSpec({}, DEFAULTS, choiceDefaults);
    spec.data.dataset = 'spiral';
    spec.data.noise = 0.25;
    spec.data.features = ['x1', 'x2', 'sin_x1'];
    spec.model.layers.push({ type: 'dense', units: 3, activation: 'relu', dropout: 0.2, batchnorm: true });
    spec.train.optimizer = { name: 'sgd', lr: 0.3, momentum: 0.9, nesterov: true };
    spec.train.schedule = { name: 'step', every: 5, gamma: 0.5 };
    spec.train.early_stopping = { patience: 4, min_delta: 0, restore_best: true };
    spec.train.grad_clip = 2;
    const { hash, read, spec: back } = roundTrip(spec, { hidden: ['lr', 'noise'], showTest: false, discretize: true });
    expect(back).toEqual(spec);
    expect(read.hidden).toEqual(['lr', 'noise']);
    expect(read.showTest).toBe(false);
    expect(read.discretize).toBe(true);
    expect(hash).toContain('data.dataset=spiral');
    expect(hash).not.toContain('n_samples'); // unchanged fields stay out of the link
  });

  it('keeps strings that look like numbers as strings', () => {
    for (const value of ['1', 'true', 'null', '[1]', 'spiral', 'a=b&c', '']) {
      expect(decodeValue(encodeValue(value))).toBe(value);
    }
    for (const value of [0, 0.001, false, null, [1, 2]]) expect(decodeValue(encodeValue(value))).toEqual(value);
  });

  it('carries the smoothing and the embedded mode, and reads a bad smoothing as none', () => {
    const spec = completeSpec({}, DEFAULTS, choiceDefaults);
    const hash = toHash({ spec, hidden: ['presets'], showTest: true, discretize: false, smoothing: 0.6, embed: true }, DEFAULTS);
    expect(hash).toBe('hide=presets&smooth=0.6&embed=1');
    expect(fromHash(`#${hash}`)).toMatchObject({ smoothing: 0.6, embed: true, run: null, hidden: ['presets'], spec: {} });
    expect(fromHash('#embed=true').embed).toBe(true);
    expect(fromHash('#embed=0').embed).toBe(false);
    expect(fromHash('#').smoothing).toBe(0);
    for (const [text, weight] of [['abc', 0], ['-1', 0], ['5', 0.99], ['0.9', 0.9]] as const) {
      expect(fromHash(`#smooth=${text}`).smoothing).toBe(weight);
    }
  });

  it('links to a stored run by its id alone, embedded or not', () => {
    const spec = completeSpec({ data: { dataset: 'spiral' } }, DEFAULTS, choiceDefaults);
    const hash = toHash({ spec, hidden: [], showTest: false, discretize: false, run: 'abc123' }, DEFAULTS);
    expect(hash).toBe('run=abc123&showTest=false'); // the run's own spec, not the page's
    expect(fromHash(`#${hash}`)).toMatchObject({ run: 'abc123', showTest: false, spec: {} });
    const page = { origin: 'http://host:8000', pathname: '/' };
    expect(runLink('abc123', page)).toBe('http://host:8000/#run=abc123');
    expect(runLink('abc123', page, true)).toBe('http://host:8000/#run=abc123&embed=1');
    expect(fromHash(new URL(runLink('abc123', page, true)).hash)).toMatchObject({ run: 'abc123', embed: true });
  });

  it('survives a link whose values were edited by hand', () => {
    const { spec } = { spec: completeSpec(fromHash('#data.dataset=xor&train.epochs=7&junk').spec, DEFAULTS, choiceDefaults) };
    expect(spec.data.dataset).toBe('xor');
    expect(spec.train.epochs).toBe(7);
  });
});

// Every setting the URL carries, generated from the catalog (its defaults and every optimizer and
// schedule with their parameters), so a new setting or choice is covered without a new test.
describe('URL round trip of every setting', () => {
  const complete = (partial: Record<string, unknown>) => completeSpec(partial, DEFAULTS, choiceDefaults);

  /** Another value of the same type (a null field gets a number, as grad_clip would). */
  function changed(value: unknown): unknown {
    if (typeof value === 'number') return value * 3 + 1;
    if (typeof value === 'boolean') return !value;
    if (typeof value === 'string') return `${value}-other`;
    if (Array.isArray(value)) return [...value, structuredClone(value[0] ?? 'x')];
    return 2;
  }

  function leaves(value: unknown, prefix = ''): [string, unknown][] {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.entries(value).flatMap(([key, child]) => leaves(child, prefix ? `${prefix}.${key}` : key));
    }
    return [[prefix, value]];
  }

  function setLeaf(spec: FullSpec, path: string, value: unknown): void {
    const keys = path.split('.');
    let node = spec as unknown as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[keys[keys.length - 1]] = value;
  }

  function expectRoundTrip(spec: FullSpec): void {
    const hash = toHash({ spec, hidden: [], showTest: true, discretize: false }, DEFAULTS, complete);
    expect(complete(fromHash(`#${hash}`).spec), hash).toEqual(spec);
  }

  const base = complete({});
  for (const [path, value] of leaves(base).filter(([p]) => !p.startsWith('train.optimizer') && !p.startsWith('train.schedule'))) {
    it(`carries ${path}`, () => {
      const spec = complete({});
      setLeaf(spec, path, changed(value));
      expectRoundTrip(spec);
    });
  }

  for (const [kind, names] of Object.entries(CHOICE_NAMES) as [ChoiceKind, readonly string[]][]) {
    for (const name of names) {
      const own = choiceDefaults(kind, name);
      it(`carries the ${kind} ${name} at its own defaults`, () => {
        const spec = complete({});
        spec.train[kind as 'optimizer'] = own as FullSpec['train']['optimizer'];
        expectRoundTrip(spec);
      });
      for (const [parameter, value] of Object.entries(own).filter(([key]) => key !== 'name')) {
        // Every other choice's default for this parameter too: it is what a link might wrongly leave out.
        const others = Object.values(CHOICE_NAMES).flat().map((other) => choiceDefaults(kind, other)?.[parameter]);
        const values = [...new Set([changed(value), ...others.filter((v) => v !== undefined && v !== value)])];
        it(`carries the ${kind} ${name}'s ${parameter} (${values.join(', ')})`, () => {
          for (const next of values) {
            const spec = complete({});
            spec.train[kind as 'optimizer'] = { ...own, [parameter]: next } as FullSpec['train']['optimizer'];
            expectRoundTrip(spec);
          }
        });
      }
    }
  }

  it('keeps a chosen learning rate that equals another optimizer\'s default (issue 14)', () => {
    const spec = complete({ train: { optimizer: { name: 'sgd' } } });
    spec.train.optimizer.lr = DEFAULTS.train.optimizer.lr; // SGD at Adam's default rate
    const hash = toHash({ spec, hidden: [], showTest: true, discretize: false }, DEFAULTS, complete);
    expect(hash).toContain('train.optimizer.lr=0.01');
    expectRoundTrip(spec);
  });
});
