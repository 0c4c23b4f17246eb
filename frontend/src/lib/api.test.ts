import { describe, expect, it } from 'vitest';
import { ApiError, describeRefusal, retryAfterSeconds } from './api';

describe('refusals the page shows', () => {
  it('reads Retry-After in seconds', () => {
    expect(retryAfterSeconds('12')).toBe(12);
    expect(retryAfterSeconds(' 2.5 ')).toBe(3);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds('Wed, 21 Oct 2026 07:28:00 GMT')).toBeNull();
  });

  it('says when to try again after a quota refusal, once', () => {
    const active = new ApiError(429, 'you have 3 runs queued, training or paused: wait for one to end, or stop one', 10);
    expect(describeRefusal(active)).toBe(
      'Over your limit: you have 3 runs queued, training or paused: wait for one to end, or stop one (try again in 10 s)',
    );
    const rate = new ApiError(429, 'you have started 5 runs in the last minute: try again in 42 s', 42);
    expect(describeRefusal(rate)).toBe('Over your limit: you have started 5 runs in the last minute: try again in 42 s');
  });

  it('keeps the other refusals as they were', () => {
    expect(describeRefusal(new ApiError(422, 'spec.data.dataset: unknown'))).toBe('Invalid setting: spec.data.dataset: unknown');
    expect(describeRefusal(new ApiError(409, 'you have 500 runs stored: delete runs'))).toBe(
      'Error 409: you have 500 runs stored: delete runs',
    );
    expect(describeRefusal(new ApiError(503, 'the database cannot be reached right now', 2))).toBe(
      'Error 503: the database cannot be reached right now (try again in 2 s)',
    );
  });
});
