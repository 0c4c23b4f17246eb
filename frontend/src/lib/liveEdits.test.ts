import { describe, expect, it } from 'vitest';
import { choiceDefaults, DEFAULTS } from './fixtures';
import { changeLabel, classifyEdit, describeRestart, LIVE_PATHS, withoutLive } from './liveEdits';
import { completeSpec, setActivation, setRegularization, type FullSpec } from './spec';

const spec = (): FullSpec => completeSpec({}, DEFAULTS, choiceDefaults);

describe('live edits', () => {
  it('takes the learning rate, L1, L2 and the batch size live', () => {
    const running = spec();
    const edited = spec();
    edited.train.optimizer.lr = 0.1;
    setRegularization(edited.train, 'l2', 0.003);
    edited.train.batch_size = 5;
    expect(classifyEdit(running, edited)).toEqual({
      live: { 'train.optimizer.lr': 0.1, 'train.l2': 0.003, 'train.batch_size': 5 },
      restart: [],
    });
    expect(LIVE_PATHS).toEqual(['train.optimizer.lr', 'train.l1', 'train.l2', 'train.batch_size']);
  });

  it('switching L1 to L2 is live too: both rates change', () => {
    const running = spec();
    setRegularization(running.train, 'l1', 0.01);
    const edited = structuredClone(running);
    setRegularization(edited.train, 'l2', 0.01);
    expect(classifyEdit(running, edited)).toEqual({ live: { 'train.l1': 0, 'train.l2': 0.01 }, restart: [] });
  });

  it('anything else needs a new run, named in words', () => {
    const running = spec();
    const edited = spec();
    edited.train.optimizer.lr = 0.1;
    edited.data.dataset = 'spiral';
    edited.model.layers.pop();
    const { restart } = classifyEdit(running, edited);
    expect(restart).toEqual(['data.dataset', 'model.layers']);
    expect(describeRestart(restart, running, edited)).toBe('the dataset and the network');

    const relu = spec();
    setActivation(relu.model.layers, 'relu');
    const change = classifyEdit(running, relu);
    expect(describeRestart(change.restart, running, relu)).toBe('the activation');

    const weighted = spec();
    setRegularization(weighted.train, 'weight_elimination', 0.01);
    expect(classifyEdit(running, weighted).restart).toEqual(['train.weight_elimination']);
  });

  it('says nothing changed when nothing did, nor while a live field is being typed into', () => {
    expect(classifyEdit(spec(), spec())).toEqual({ live: {}, restart: [] });
    const typing = spec();
    (typing.train.optimizer as { lr: number | null }).lr = null; // an emptied number field
    expect(classifyEdit(spec(), typing)).toEqual({ live: {}, restart: [] });
  });

  it('blanks every live setting, and only those, for the network preview', () => {
    const running = spec();
    const edited = spec();
    edited.train.optimizer.lr = 0.3;
    setRegularization(edited.train, 'l1', 0.1);
    edited.train.batch_size = 2;
    expect(withoutLive(edited)).toEqual(withoutLive(running));
    edited.train.seed = 7;
    expect(classifyEdit(withoutLive(running), withoutLive(edited)).restart).toEqual(['train.seed']);
  });

  it('labels a change for the chart', () => {
    expect(changeLabel({ 'train.optimizer.lr': 0.1 })).toBe('lr 0.1');
    expect(changeLabel({ 'train.batch_size': 5, 'train.l2': 0.003 })).toBe('L2 0.003 · batch 5');
  });
});
