import { describe, expect, it } from 'vitest';
import { comparisonLabels, describeRun, keySettings, runTime } from './runLabels';

const spec = (lr: number, units = [4, 2], seed = 1) => ({
  data: { dataset: 'spiral' },
  model: { layers: units.map((u) => ({ type: 'dense', units: u, activation: 'tanh' })) },
  train: { optimizer: { name: 'sgd', lr }, batch_size: 10, l1: 0, l2: 0.01, weight_elimination: null, seed, epochs: 100 },
});

describe('run labels', () => {
  it('names a run by its name, else by its data and network', () => {
    expect(describeRun({ id: 'a', name: 'mine', spec: spec(0.1) })).toBe('mine');
    expect(describeRun({ id: 'a', spec: spec(0.1) })).toBe('spiral · 4-2');
  });

  it('lists the key hyperparameters', () => {
    const texts = keySettings(spec(0.03)).map(([, text]) => text);
    expect(texts).toEqual(expect.arrayContaining(['sgd', 'lr 0.03', 'tanh', 'L2 0.01', 'batch 10', 'seed 1']));
  });

  it('tells compared runs apart by the settings that differ, never by an id fragment', () => {
    expect(comparisonLabels([{ id: '3959cdab', spec: spec(0.1) }, { id: '77aa', spec: spec(0.03) }])).toEqual([
      'spiral · 4-2 · lr 0.1',
      'spiral · 4-2 · lr 0.03',
    ]);
    expect(comparisonLabels([{ id: 'a', spec: spec(0.1, [4, 2]) }, { id: 'b', spec: spec(0.1, [8]) }])).toEqual([
      'spiral · 4-2',
      'spiral · 8',
    ]);
    const alike = comparisonLabels([
      { id: 'a', spec: spec(0.1), created_at: '2026-01-01T10:00:00Z' },
      { id: 'b', spec: spec(0.1), created_at: '2026-01-01T10:05:00Z' },
    ]);
    expect(new Set(alike).size).toBe(2);
    expect(alike[0]).toContain(runTime('2026-01-01T10:00:00Z'));
  });
});
