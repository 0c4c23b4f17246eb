// Decoding of the contract's Tensor: {"dtype", "shape", "data": base64 little-endian, "min"?, "max"?}.

import type { components } from './generated/api';

export type Tensor = components['schemas']['Tensor'];
export type TensorDtype = Tensor['dtype'];

const BYTES_PER_ELEMENT: Record<TensorDtype, number> = { float16: 2, float32: 4, uint8: 1 };

export function base64ToBytes(base64: string): Uint8Array {
  // atob exists both in browsers and in Node 20, so the same code runs under vitest.
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** IEEE 754 half precision bits to a number (Float16Array is not available in Node 20). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

export function elementCount(shape: number[]): number {
  return shape.reduce((count, size) => count * size, 1);
}

/** Decode any contract tensor into a flat, row-major Float32Array of real values. */
export function decodeTensor(tensor: Tensor): Float32Array {
  const bytes = base64ToBytes(tensor.data);
  const width = BYTES_PER_ELEMENT[tensor.dtype];
  if (width === undefined) throw new Error(`unsupported tensor dtype: ${tensor.dtype}`);
  const count = elementCount(tensor.shape);
  if (bytes.length !== count * width) {
    throw new Error(`tensor of shape [${tensor.shape}] needs ${count * width} bytes, got ${bytes.length}`);
  }
  // A DataView reads little-endian explicitly and does not care about alignment of the buffer.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(count);
  switch (tensor.dtype) {
    case 'float32':
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
      break;
    case 'float16':
      for (let i = 0; i < count; i++) values[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case 'uint8': {
      // 0..255 maps linearly onto [min, max]; without a range the raw byte values are kept.
      const min = tensor.min ?? 0;
      const max = tensor.max ?? 255;
      const scale = (max - min) / 255;
      for (let i = 0; i < count; i++) values[i] = min + bytes[i] * scale;
      break;
    }
  }
  return values;
}

/** The value range to colour a tensor with: its declared min/max, else the range of its values. */
export function valueRange(tensor: Tensor, values: Float32Array): [number, number] {
  if (tensor.min !== undefined && tensor.max !== undefined) return [tensor.min, tensor.max];
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : [0, 1];
}
