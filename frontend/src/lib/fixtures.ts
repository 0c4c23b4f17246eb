// A catalog's defaults as the server sends them (GET /catalog `defaults`), for unit tests.
import type { Choice, FullSpec } from './spec';

export const DEFAULTS: FullSpec = {
  data: { dataset: 'circle', n_samples: 500, noise: 0.1, test_fraction: 0.5, features: ['x1', 'x2'], seed: 1 },
  model: {
    layers: [
      { type: 'dense', units: 8, activation: 'tanh', dropout: 0, batchnorm: false },
      { type: 'dense', units: 8, activation: 'tanh', dropout: 0, batchnorm: false },
    ],
    init: 'xavier_uniform',
    bias_init: 0,
    output_activation: 'auto',
  },
  train: {
    loss: 'auto',
    optimizer: { name: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999 },
    schedule: { name: 'constant' },
    batch_size: 10,
    epochs: 100,
    max_steps: null,
    l1: 0,
    l2: 0,
    weight_elimination: null,
    grad_clip: null,
    early_stopping: null,
    seed: 1,
  },
  stream: { max_fps: 20, grid: 64 },
};

const CHOICES: Record<string, Choice> = {
  dense: { name: 'dense', type: 'dense', units: 8, activation: 'tanh', dropout: 0, batchnorm: false },
  conv2d: { name: 'conv2d', type: 'conv2d', filters: 8, kernel: 3, stride: 1, padding: 'same', activation: 'relu', batchnorm: false },
  residual: { name: 'residual', type: 'residual', activation: 'relu' },
  adam: { name: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999 },
  sgd: { name: 'sgd', lr: 0.03, momentum: 0, nesterov: false },
  rmsprop: { name: 'rmsprop', lr: 0.01, alpha: 0.99, momentum: 0 },
  constant: { name: 'constant' },
  step: { name: 'step', every: 30, gamma: 0.1 },
};

/** The catalog's optimizers and schedules by name, for tests that go through every choice. */
export const CHOICE_NAMES = { optimizer: ['adam', 'sgd', 'rmsprop'], schedule: ['constant', 'step'] } as const;

export const choiceDefaults = (_: string, name: string): Choice => structuredClone(CHOICES[name]);
