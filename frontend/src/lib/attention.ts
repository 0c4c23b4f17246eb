// Reading attention maps: where one query token looks.

export interface Look {
  token: string;
  weight: number;
}

/** The keys that query `row` attends to most, strongest first (a T×T map, row-major). */
export function strongestKeys(values: Float32Array, cols: number, row: number, tokens: string[], count = 3): Look[] {
  return Array.from(values.subarray(row * cols, (row + 1) * cols), (weight, i) => ({ token: tokens[i] ?? String(i), weight }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, count);
}

export const describeLooks = (looks: Look[]) => looks.map(({ token, weight }) => `${token} ${Math.round(weight * 100)}%`).join(', ');
