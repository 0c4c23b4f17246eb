// Okabe and Ito's colour-blind-safe qualitative palette, for lines of different runs or layers.
export const LINE_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];

export const lineColor = (index: number) => LINE_COLORS[index % LINE_COLORS.length];

/** One line of a chart. */
export interface Line {
  label: string;
  color: string;
  dash?: number[];
}
