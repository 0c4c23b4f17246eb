import { describe, expect, it } from 'vitest';
import { pageCounters, RunSession } from './runSession.svelte';
import type { RunEvent } from './stream';

let seq = 0;
const event = (type: string, data: object, epoch = 0): RunEvent => ({ seq: ++seq, type, step: 0, epoch, time: 0, data });

const metrics = (loss: number) => ({
  train_loss: loss, test_loss: loss * 2, train_accuracy: 0.5, test_accuracy: 0.4, lr: 0.01,
  grad_norms: { dense1: 0.1, output: 0.2 }, weight_norms: {},
});

describe('RunSession', () => {
  it('builds the views from a run’s events', () => {
    const session = new RunSession('r1');
    const before = { ...pageCounters() };
    session.apply(event('status', { status: 'running' }));
    session.apply(event('metrics', metrics(1), 1));
    session.apply(event('metrics', metrics(0.5), 2.0000001));
    session.apply(event('boundary', { extent: [-6, 6, -6, 6], output: {}, neurons: [], weights: [], biases: [] }));

    expect(session.status).toBe('running');
    expect(session.epoch).toBe(2);
    expect(session.metrics?.train_loss).toBe(0.5);
    expect(session.version).toBe(2); // without a page every event shows at once
    expect(session.losses.data()).toEqual([[1, 2.0000001], [1, 0.5], [2, 1]]);
    expect(session.gradients?.names).toEqual(['dense1', 'output']);
    expect(session.rates.data()[1]).toEqual([0.01, 0.01]);
    expect(pageCounters().eventsReceived - before.eventsReceived).toBe(4);
    expect(pageCounters().boundaryEvents - before.boundaryEvents).toBe(1);
  });

  it('tells a diverged run from another failure', () => {
    const diverged = new RunSession('r2');
    diverged.apply(event('status', { status: 'failed', message: 'the loss diverged at epoch 3: lower the learning rate' }));
    expect(diverged.diverged).toBe(true);
    const lost = new RunSession('r3');
    lost.apply(event('status', { status: 'failed', message: 'interrupted: the server restarted' }));
    expect(lost.diverged).toBe(false);
    expect(lost.message).toContain('interrupted');
  });
});
