import { describe, expect, it } from 'vitest';
import { pageOf, projectorOn, runPage, wallClass, wallPage } from './pages';
import { fromHash } from './urlState';

describe('pages', () => {
  it('opens the wall for ?wall, with or without a class, and the playground otherwise', () => {
    expect(pageOf('?wall=c1')).toBe('wall');
    expect(pageOf('?wall=')).toBe('wall');
    expect(pageOf('')).toBe('playground');
    expect(pageOf('?run=r1')).toBe('playground');
    expect(wallClass('?wall=c1&projector=1')).toBe('c1');
    expect(wallClass('?wall=')).toBeNull();
  });

  it('reads and writes the projector mode, and links a run as the page does', () => {
    expect(projectorOn('?wall=c1&projector=1')).toBe(true);
    expect(projectorOn('?wall=c1&projector=0')).toBe(false);
    expect(wallPage('c1', true)).toBe('/?wall=c1&projector=1');
    expect(wallPage(null)).toBe('/?wall=');
    expect(runPage('r 1')).toBe('/#run=r+1');
    expect(fromHash(runPage('r 1').slice(1)).run).toBe('r 1'); // the page's own link to a run
  });
});
