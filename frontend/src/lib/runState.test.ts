import { describe, expect, it } from 'vitest';
import { formatLoss, isActive, playAction, wholeEpoch } from './runState';

describe('run state helpers', () => {
  it('toggles play by status', () => {
    expect(playAction('idle')).toBe('start');
    expect(playAction('succeeded')).toBe('start');
    expect(playAction('cancelled')).toBe('start');
    expect(playAction('queued')).toBe('pause');
    expect(playAction('running')).toBe('pause');
    expect(playAction('paused')).toBe('resume');
  });

  it('treats only queued, running and paused as active', () => {
    expect(['queued', 'running', 'paused'].every((s) => isActive(s as never))).toBe(true);
    expect(['idle', 'succeeded', 'failed', 'cancelled'].some((s) => isActive(s as never))).toBe(false);
  });

  it('formats epochs and losses for display', () => {
    expect(wholeEpoch(2.5)).toBe(2);
    expect(wholeEpoch(2.9999999999)).toBe(3); // float noise, not a partial epoch
    expect(wholeEpoch(3)).toBe(3);
    expect(formatLoss(0.123456)).toBe('0.123');
    expect(formatLoss(undefined)).toBe('–');
    expect(formatLoss(NaN)).toBe('–');
  });
});
