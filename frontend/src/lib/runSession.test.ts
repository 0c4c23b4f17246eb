import { describe, expect, it } from 'vitest';
import { VISUALS } from '../views/registry';
import { pageCounters } from './pageCounters';
import { RunSession } from './runSession.svelte';
import type { RunEvent } from './stream';

let seq = 0;
const event = (type: string, data: object, epoch = 0): RunEvent => ({ seq: ++seq, type, step: 0, epoch, time: 0, data });

const metrics = (loss: number) => ({
  train_loss: loss, test_loss: loss * 2, train_accuracy: 0.5, test_accuracy: 0.4, lr: 0.01,
  grad_norms: { dense1: 0.1, output: 0.2 }, weight_norms: {},
});

describe('RunSession', () => {
  it('builds the views from a run’s events', () => {
    const session = new RunSession('r1', 'idle', VISUALS);
    const before = { ...pageCounters() };
    session.apply(event('status', { status: 'running' }));
    session.apply(event('metrics', metrics(1), 1));
    session.apply(event('metrics', metrics(0.5), 2.0000001));
    const boundary = { extent: [-6, 6, -6, 6], output: {}, neurons: [], weights: [], biases: [] };
    session.apply(event('boundary', boundary));

    expect(session.status).toBe('running');
    expect(session.epoch).toBe(2);
    expect(session.metrics?.train_loss).toBe(0.5);
    expect(session.version).toBe(2); // without a page every event shows at once
    expect(session.losses.data()).toEqual([[1, 2.0000001], [1, 0.5], [2, 1]]);
    expect(session.gradients?.names).toEqual(['dense1', 'output']);
    expect(session.rates.data()[1]).toEqual([0.01, 0.01]);
    expect(session.visual('boundary')).toBe(boundary);
    expect(pageCounters().eventsReceived - before.eventsReceived).toBe(4);
    expect(pageCounters().boundaryEvents - before.boundaryEvents).toBe(1);
  });

  it('marks a live change at the latest epoch received', () => {
    const session = new RunSession('r2', 'running', VISUALS);
    session.markChange('lr 0.1'); // before any metrics: the start
    session.apply(event('metrics', metrics(1), 3.5));
    session.markChange('batch 5');
    expect(session.markers).toEqual([{ x: 0, label: 'lr 0.1' }, { x: 3.5, label: 'batch 5' }]);
  });

  it('keeps the latest event of a kind, and the latest feature maps of every probe', () => {
    const session = new RunSession('r4', 'running', VISUALS);
    expect(session.visual('confusion')).toBeNull();
    session.apply(event('confusion', { labels: ['a'], matrix: [[1]] }));
    session.apply(event('confusion', { labels: ['a'], matrix: [[2]] }));
    expect(session.visual('confusion')).toEqual({ labels: ['a'], matrix: [[2]] });

    session.apply(event('feature_maps', { probe: 1, layers: [] }));
    session.apply(event('feature_maps', { probe: 0, layers: [] }));
    session.apply(event('feature_maps', { probe: 1, layers: ['newer'] }));
    const probes = session.visual<Map<number, { layers: string[] }>>('feature_maps')!;
    expect([...probes.keys()].sort()).toEqual([0, 1]);
    expect(probes.get(1)?.layers).toEqual(['newer']);
  });

  it('ignores an event type no view is registered for', () => {
    const session = new RunSession('r5', 'running', VISUALS);
    session.apply(event('heartbeat', { beat: 1 }));
    expect(session.visual('heartbeat')).toBeNull();
  });

  it('tells a diverged run from another failure', () => {
    const diverged = new RunSession('r2', 'idle', VISUALS);
    diverged.apply(event('status', { status: 'failed', message: 'the loss diverged at epoch 3: lower the learning rate' }));
    expect(diverged.diverged).toBe(true);
    const lost = new RunSession('r3', 'idle', VISUALS);
    lost.apply(event('status', { status: 'failed', message: 'interrupted: the server restarted' }));
    expect(lost.diverged).toBe(false);
    expect(lost.message).toContain('interrupted');
  });
});
