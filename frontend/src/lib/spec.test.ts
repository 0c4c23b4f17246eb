import { describe, expect, it } from 'vitest';
import { choiceDefaults, DEFAULTS } from './fixtures';
import { commonActivation, completeSpec, regularizationOf, setRegularization, switchChoice } from './spec';

describe('completeSpec', () => {
  it('fills a preset with the defaults, layer by layer and with its own optimizer defaults', () => {
    const spec = completeSpec(
      { data: { dataset: 'xor' }, model: { layers: [{ units: 4 }] }, train: { optimizer: { name: 'sgd', lr: 0.1 } } },
      DEFAULTS,
      choiceDefaults,
    );
    expect(spec.data).toEqual({ ...DEFAULTS.data, dataset: 'xor' });
    expect(spec.model.layers).toEqual([{ type: 'dense', units: 4, activation: 'tanh', dropout: 0, batchnorm: false }]);
    // sgd's own parameters, none of adam's betas.
    expect(spec.train.optimizer).toEqual({ name: 'sgd', lr: 0.1, momentum: 0, nesterov: false });
    expect(spec.train.schedule).toEqual({ name: 'constant' });
  });

  it('fills each layer with its own type’s defaults, inside residual blocks too', () => {
    const spec = completeSpec(
      { data: { dataset: 'digits' }, model: { layers: [{ type: 'conv2d', filters: 4 }, { type: 'residual', layers: [{ type: 'conv2d' }] }] } },
      DEFAULTS,
      choiceDefaults,
    );
    expect(spec.model.layers[0]).toEqual({ type: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same', activation: 'relu', batchnorm: false });
    expect(spec.model.layers[1].layers).toEqual([{ type: 'conv2d', filters: 8, kernel: 3, stride: 1, padding: 'same', activation: 'relu', batchnorm: false }]);
    expect(spec.model.layers[1].activation).toBe('relu');
  });

  it('fills early stopping and weight elimination given in part with the server\'s defaults', () => {
    // The early-stopping lesson says only its patience; the weights of the best epoch are restored, as on the server.
    const spec = completeSpec({ train: { early_stopping: { patience: 20 }, weight_elimination: { lambda: 0.01 } } },
      DEFAULTS, choiceDefaults);
    expect(spec.train.early_stopping).toEqual({ patience: 20, min_delta: 0, restore_best: true });
    expect(spec.train.weight_elimination).toEqual({ lambda: 0.01, beta: 1 });
    expect(completeSpec({ train: { early_stopping: { patience: 5, restore_best: false } } }, DEFAULTS, choiceDefaults)
      .train.early_stopping).toEqual({ patience: 5, min_delta: 0, restore_best: false });
    expect(completeSpec({}, DEFAULTS, choiceDefaults).train.early_stopping).toBeNull();
  });

  it('keeps an empty layer list (a single neuron)', () => {
    expect(completeSpec({ data: { dataset: 'gauss' }, model: { layers: [] } }, DEFAULTS, choiceDefaults).model.layers).toEqual([]);
  });

  it('does not share objects with the defaults', () => {
    const spec = completeSpec({}, DEFAULTS, choiceDefaults);
    spec.model.layers[0].units = 99;
    spec.data.features.push('x1_sq');
    expect(DEFAULTS.model.layers[0].units).toBe(8);
    expect(DEFAULTS.data.features).toEqual(['x1', 'x2']);
  });
});

describe('editing helpers', () => {
  it('switching optimizer keeps the learning rate and takes the new defaults', () => {
    expect(switchChoice({ name: 'adam', lr: 0.3, beta1: 0.5 }, choiceDefaults('optimizer', 'sgd'))).toEqual({
      name: 'sgd', lr: 0.3, momentum: 0, nesterov: false,
    });
    expect(switchChoice({ name: 'constant' }, choiceDefaults('schedule', 'step'))).toEqual({ name: 'step', every: 30, gamma: 0.1 });
  });

  it('maps one regularization menu onto the three penalties', () => {
    const train = structuredClone(DEFAULTS.train);
    expect(regularizationOf(train)).toEqual({ kind: 'none', rate: 0 });
    setRegularization(train, 'l2', 0.03);
    expect([train.l1, train.l2, train.weight_elimination]).toEqual([0, 0.03, null]);
    expect(regularizationOf(train)).toEqual({ kind: 'l2', rate: 0.03 });
    setRegularization(train, 'weight_elimination', 0.1, 2);
    expect([train.l1, train.l2, train.weight_elimination]).toEqual([0, 0, { lambda: 0.1, beta: 2 }]);
    expect(regularizationOf(train)).toEqual({ kind: 'weight_elimination', rate: 0.1 });
  });

  it('finds the activation shared by all layers', () => {
    const layers = structuredClone(DEFAULTS.model.layers);
    expect(commonActivation(layers)).toBe('tanh');
    layers[1].activation = 'relu';
    expect(commonActivation(layers)).toBeNull();
  });
});
