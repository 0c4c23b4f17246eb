import { describe, expect, it } from 'vitest';
import type { Preset } from './api';
import { choiceDefaults, DEFAULTS } from './fixtures';
import { inLesson, lessonOfRun } from './lesson';
import { completeSpec } from './spec';

const complete = (partial: unknown) => completeSpec(partial, DEFAULTS, choiceDefaults);
const depth = {
  name: 'depth',
  title: 'Spirals need depth',
  description: '',
  spec: { data: { dataset: 'spiral' }, model: { layers: [{ units: 8 }, { units: 8 }] } },
  compare: { title: 'one layer', spec: { data: { dataset: 'spiral' }, model: { layers: [{ units: 2 }] } } },
} as unknown as Preset;
const xor = { name: 'xor', title: 'XOR', description: '', spec: { data: { dataset: 'xor' } } } as unknown as Preset;

describe('lessons', () => {
  it('stays in a lesson while its network is tuned, and leaves it with another dataset', () => {
    const spec = complete(depth.spec);
    spec.model.layers.push({ ...spec.model.layers[0] });
    spec.train.optimizer.lr = 0.3;
    expect(inLesson(depth, spec, complete)).toBe(true);
    spec.data.dataset = 'circle';
    expect(inLesson(depth, spec, complete)).toBe(false);
  });

  it('finds the lesson a reopened run trained, its contrast setting too', () => {
    expect(lessonOfRun([xor, depth], complete(depth.compare!.spec), complete)?.name).toBe('depth');
    expect(lessonOfRun([xor, depth], complete(xor.spec), complete)?.name).toBe('xor');
    const other = complete(depth.spec);
    other.model.layers = [];
    expect(lessonOfRun([xor, depth], other, complete)).toBeUndefined();
  });

  it('prefers the lesson a run is the own setting of to one it is the comparison of', () => {
    const shallow = {
      name: 'shallow', title: 'One layer', description: '', spec: depth.compare!.spec,
    } as unknown as Preset;
    expect(lessonOfRun([depth, shallow], complete(shallow.spec), complete)?.name).toBe('shallow');
    expect(lessonOfRun([depth, shallow], complete(depth.spec), complete)?.name).toBe('depth');
  });
});
