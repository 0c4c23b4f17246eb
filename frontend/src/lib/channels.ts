// Image-like tensors (C×H×W feature maps, out×in×kh×kw filters) cut into 2-D pictures.

import { decodeTensor, valueRange, type Tensor } from './tensor';

export interface Picture {
  values: Float32Array;
  rows: number;
  cols: number;
  /** The value range to colour with, shared by all pictures of one tensor so they compare. */
  range: [number, number];
}

/** The trailing two dimensions are the picture; all leading ones are flattened, in order. */
export function pictures(tensor: Tensor): Picture[] {
  const values = decodeTensor(tensor);
  const shape = tensor.shape;
  const [rows, cols] = shape.length >= 2 ? shape.slice(-2) : [1, values.length];
  const size = rows * cols;
  const range = valueRange(tensor, values);
  const count = size ? values.length / size : 0;
  return Array.from({ length: count }, (_, i) => ({ values: values.subarray(i * size, (i + 1) * size), rows, cols, range }));
}

/** Weights shown symmetric around 0, so 0 is always the middle colour and signs read at a glance. */
export function symmetric(picture: Picture): Picture {
  const [min, max] = picture.range;
  const bound = Math.max(Math.abs(min), Math.abs(max)) || 1;
  return { ...picture, range: [-bound, bound] };
}

/** Rows become columns: a T×H record of states, drawn with time running left to right. */
export function transpose(picture: Picture): Picture {
  const { values, rows, cols } = picture;
  const turned = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) turned[c * rows + r] = values[r * cols + c];
  return { ...picture, values: turned, rows: cols, cols: rows };
}
