import { describe, expect, it } from 'vitest';
import { Series } from './series';

describe('Series', () => {
  it('keeps every point until it fills', () => {
    const series = new Series(['loss'], 100);
    for (let i = 0; i < 10; i++) series.push(i, { loss: i * 2 });
    expect(series.data()).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]]);
  });

  it('stays bounded and evenly spaced over a long run, showing the latest point', () => {
    const series = new Series(['a', 'b'], 64);
    for (let i = 0; i < 100_000; i++) series.push(i, { a: i, b: -i });
    const [x, a, b] = series.data();
    expect(x.length).toBeLessThanOrEqual(65);
    expect(x.length).toBeGreaterThan(32);
    const kept = x.slice(0, -1);
    const gaps = new Set(kept.slice(1).map((value, i) => value - kept[i]));
    expect(gaps.size).toBe(1); // one stride between all kept points
    expect(x[0]).toBe(0);
    expect(x[x.length - 1]).toBe(99_999);
    expect(a[a.length - 1]).toBe(99_999);
    expect(b[b.length - 1]).toBe(-99_999);
  });

  it('turns missing and non-finite values into gaps', () => {
    const series = new Series(['train', 'test']);
    series.push(1, { train: NaN, test: 0.5 });
    series.push(2, { train: 0.4 });
    expect(series.data()).toEqual([[1, 2], [null, 0.4], [0.5, null]]);
  });
});
