// Training curves that stay bounded however long a run lasts.
//
// Points are kept at a stride that doubles each time the buffer fills (every point, then every 2nd,
// every 4th...), so memory is flat and the curve keeps its shape; the latest point is always shown.

export class Series {
  readonly x: number[] = [];
  readonly ys: (number | null)[][];
  private stride = 1;
  private seen = 0;
  private latest: { x: number; ys: (number | null)[] } | null = null;

  constructor(
    readonly names: string[],
    readonly capacity = 1000,
  ) {
    this.ys = names.map(() => []);
  }

  get length(): number {
    return this.x.length + (this.latest ? 1 : 0);
  }

  push(x: number, values: Record<string, number | null | undefined>): void {
    const ys = this.names.map((name) => {
      const value = values[name];
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    });
    if (this.seen++ % this.stride !== 0) {
      this.latest = { x, ys };
      return;
    }
    this.latest = null;
    this.x.push(x);
    ys.forEach((value, i) => this.ys[i].push(value));
    if (this.x.length >= this.capacity) this.halve();
  }

  private halve(): void {
    const keep = (_: unknown, i: number) => i % 2 === 0;
    const kept = this.x.filter(keep);
    this.x.splice(0, this.x.length, ...kept);
    for (const column of this.ys) column.splice(0, column.length, ...column.filter(keep));
    // The last kept point is now two old strides behind the last push; the next one to keep is
    // one old stride ahead, so the kept points stay evenly spaced.
    this.seen = this.stride + 1;
    this.stride *= 2;
  }

  /** uPlot's aligned data: [x, y1, y2, ...], the latest point included. */
  data(): [number[], ...(number | null)[][]] {
    if (!this.latest) return [this.x.slice(), ...this.ys.map((column) => column.slice())];
    const { x, ys } = this.latest;
    return [[...this.x, x], ...this.ys.map((column, i) => [...column, ys[i]])];
  }
}
