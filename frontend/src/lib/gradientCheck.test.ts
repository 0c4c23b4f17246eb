import { describe, expect, it } from 'vitest';
import { GOOD, logPosition, SUSPECT, verdict, WRONG } from './gradientCheck';

describe('verdict', () => {
  it('bands relative errors by the course thresholds', () => {
    expect(verdict(3e-9)).toBe('good');
    expect(verdict(GOOD)).toBe('ok');
    expect(verdict(5e-6)).toBe('ok');
    expect(verdict(SUSPECT)).toBe('suspect');
    expect(verdict(3e-3)).toBe('suspect');
    expect(verdict(WRONG)).toBe('wrong');
    expect(verdict(1)).toBe('wrong');
  });

  it('treats a missing or non-finite error as a failure', () => {
    expect(verdict(null)).toBe('wrong');
    expect(verdict(Number.NaN)).toBe('wrong');
    expect(verdict(Number.POSITIVE_INFINITY)).toBe('wrong');
  });

  it('an exact match is good', () => {
    expect(verdict(0)).toBe('good');
  });
});

describe('logPosition', () => {
  it('places errors on a log axis from 1e-12 to 1', () => {
    expect(logPosition(0)).toBe(0);
    expect(logPosition(1e-12)).toBeCloseTo(0);
    expect(logPosition(1e-6)).toBeCloseTo(0.5);
    expect(logPosition(1)).toBeCloseTo(1);
    expect(logPosition(10)).toBe(1);
  });
});
