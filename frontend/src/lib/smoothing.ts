// Smoothed training curves, as TensorBoard smooths its scalars: an exponential moving average,
// debiased so the curve starts at the first value instead of climbing from zero.

/** The curve smoothed with `weight` in [0, 1): 0 gives it back as it is. Gaps (null) stay gaps and are
 * skipped by the average; a constant curve stays exactly constant. */
export function smooth(curve: ArrayLike<number | null | undefined>, weight: number): (number | null)[] {
  const values = Array.from(curve, (v) => v ?? null);
  if (!(weight > 0)) return values;
  const finite = values.filter((v): v is number => v != null && Number.isFinite(v));
  if (finite.every((v) => v === finite[0])) return values;
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (value == null || !Number.isFinite(value)) return value;
    last = last * weight + (1 - weight) * value;
    count++;
    return last / (1 - weight ** count);
  });
}

/** uPlot's aligned data with each curve followed by its smoothed copy: [x, y1, smooth(y1), y2, ...]. */
export function withSmoothed(aligned: readonly ArrayLike<number | null | undefined>[], weight: number): (number | null)[][] {
  const [x, ...ys] = aligned.map((column) => Array.from(column, (v) => v ?? null));
  return [x, ...ys.flatMap((column) => [column, smooth(column, weight)])];
}
