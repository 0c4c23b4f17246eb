import { afterEach, describe, expect, it } from 'vitest';
import { control, lockOn, locks, WHOLE_SPEC } from './locks.svelte';

describe('locks', () => {
  afterEach(() => {
    locks.paths = [];
    locks.title = '';
  });

  it('finds the lock at, above or below a path, as the server does', () => {
    expect(lockOn(['train.optimizer'], 'train.optimizer.lr')).toBe('train.optimizer');
    expect(lockOn(['model.layers.0.units'], 'model.layers')).toBe('model.layers.0.units');
    expect(lockOn(['train.optimizer.lr'], 'train.optimizer.lr')).toBe('train.optimizer.lr');
    expect(lockOn(['train.l1', 'data'], 'train.l2')).toBeNull();
    expect(lockOn(['train.optimizer.lr'], 'train.optimizer.lr2')).toBeNull();
  });

  it('gives a locked control its lock, and any other only its editability', () => {
    expect(control(true, 'train.epochs')).toEqual({ disabled: false });
    locks.title = 'XOR lab';
    locks.paths = ['data.dataset'];
    expect(control(true, 'train.epochs')).toEqual({ disabled: false });
    expect(control(false, 'train.epochs')).toEqual({ disabled: true });
    expect(control(true, 'data.n_samples', 'data.dataset')).toEqual({
      disabled: true, title: 'Locked by the assignment “XOR lab”: data.dataset', 'data-locked': 'data.dataset',
    });
    expect(control(true, ...WHOLE_SPEC)['data-locked']).toBe('data.dataset');
  });
});
