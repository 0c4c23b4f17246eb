import { describe, expect, it } from 'vitest';
import { pageOf, projectorOn, runPage, wallClass, wallPage, watchedRun } from './pages';

describe('pages', () => {
  it('opens the wall for ?wall, with or without a class, and the playground otherwise', () => {
    expect(pageOf('?wall=c1')).toBe('wall');
    expect(pageOf('?wall=')).toBe('wall');
    expect(pageOf('')).toBe('playground');
    expect(pageOf('?run=r1')).toBe('playground');
    expect(wallClass('?wall=c1&projector=1')).toBe('c1');
    expect(wallClass('?wall=')).toBeNull();
  });

  it('reads and writes the projector mode and the watched run', () => {
    expect(projectorOn('?wall=c1&projector=1')).toBe(true);
    expect(projectorOn('?wall=c1&projector=0')).toBe(false);
    expect(wallPage('c1', true)).toBe('/?wall=c1&projector=1');
    expect(wallPage(null)).toBe('/?wall=');
    expect(watchedRun(runPage('r 1').slice(1))).toBe('r 1');
    expect(watchedRun('')).toBeNull();
  });
});
