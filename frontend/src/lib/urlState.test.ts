import { describe, expect, it } from 'vitest';
import { choiceDefaults, DEFAULTS } from './fixtures';
import { completeSpec, type FullSpec } from './spec';
import { decodeValue, encodeValue, fromHash, toHash } from './urlState';

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

  it('survives a link whose values were edited by hand', () => {
    const { spec } = { spec: completeSpec(fromHash('#data.dataset=xor&train.epochs=7&junk').spec, DEFAULTS, choiceDefaults) };
    expect(spec.data.dataset).toBe('xor');
    expect(spec.train.epochs).toBe(7);
  });
});
