// Shapes of the event payloads this page draws (see the contract's event table).

import type { Tensor } from './tensor';

/** [xmin, xmax, ymin, ymax] of the 2-D input plane. */
export type Extent = [number, number, number, number];

export interface MetricsData {
  train_loss: number;
  test_loss: number;
  train_accuracy?: number;
  test_accuracy?: number;
  lr: number;
  grad_norms: Record<string, number>;
  weight_norms: Record<string, number>;
}

export interface PointSet {
  points: Tensor; // N x 2, columns (x, y)
  labels: Tensor; // N
}

export interface DatasetData {
  extent: Extent;
  task: 'classification' | 'regression';
  train: PointSet;
  test: PointSet;
}

export interface NeuronMap {
  layer: number;
  unit: number;
  map: Tensor; // g x g, row 0 at y = ymax
}

export interface BoundaryData {
  extent: Extent;
  output: Tensor; // G x G, row 0 at y = ymax, column 0 at x = xmin
  neurons: NeuronMap[];
  weights: Tensor[];
  biases: Tensor[];
}

export interface LossPoint {
  epoch: number;
  train: number;
  test: number;
}
