// Everything the page shows about one run, built from its events. One session per opened run:
// a live run, or an earlier one reopened from the history (its stored events replay first).

import { SvelteMap } from 'svelte/reactivity';
import type { RunStatus } from './api';
import type { ChartMarker } from './chartMarkers';
import { pageCounters } from './pageCounters';
import type { MetricsData } from './payloads';
import { wholeEpoch, type PageStatus } from './runState';
import { Series } from './series';
import { RunStream, type RunEvent, type RunStreamOptions } from './stream';
import type { VisualRegistry } from './visualKinds';

export type Connection = 'idle' | 'live' | 'reconnecting' | 'closed';

/** Runs fn before the next paint (at once where there is no page, as under unit tests). */
const beforeNextPaint: (fn: () => void) => void =
  typeof requestAnimationFrame === 'function' ? (fn) => requestAnimationFrame(fn) : (fn) => fn();

export class RunSession {
  status = $state<PageStatus>('idle');
  message = $state('');
  epoch = $state(0);
  connection = $state<Connection>('idle');
  metrics = $state.raw<MetricsData | null>(null);
  /** Bumped when new metrics are shown: the charts redraw from the series below when it changes. */
  version = $state(0);

  readonly losses = new Series(['train_loss', 'test_loss']);
  readonly accuracies = new Series(['train_accuracy', 'test_accuracy']);
  readonly rates = new Series(['lr']);
  /** Per-layer gradient norms; the layer names arrive with the first metrics event. */
  gradients = $state.raw<Series | null>(null);
  /** The live changes made from this page, at their epochs, for the charts to mark. */
  markers = $state.raw<ChartMarker[]>([]);
  /** The epoch of the latest metrics received (drawn or not yet). */
  private lastEpoch = 0;

  /** Each visual kind's state, by event type. A SvelteMap tracks each key apart: a boundary frame
   * redraws the boundary's views only. */
  private readonly visuals = new SvelteMap<string, unknown>();
  private stream: RunStream | null = null;
  // A small network trains hundreds of epochs a second: the curves take every metrics event at once,
  // but the page's numbers and charts are told once per frame, so it never renders more than it shows.
  private latest: { epoch: number; metrics: MetricsData } | null = null;
  private flushPending = false;

  constructor(
    readonly runId: string,
    status: RunStatus | 'idle',
    private readonly kinds: VisualRegistry,
  ) {
    this.status = status;
  }

  get diverged(): boolean {
    return this.status === 'failed' && /diverg/i.test(this.message);
  }

  /** A visual kind's state (what its reducer made of its events so far), or null before its first event. */
  visual<S>(type: string): S | null {
    return (this.visuals.get(type) as S | undefined) ?? null;
  }

  apply(event: RunEvent): void {
    pageCounters().eventsReceived++;
    // Status and metrics are the run itself; every other event belongs to a registered visual kind.
    if (event.type === 'status') {
      this.flush(); // the numbers first, so a final status never shows beside stale ones
      this.status = event.data.status;
      this.message = event.data.message ?? '';
    } else if (event.type === 'metrics') {
      this.addMetrics(event.epoch, event.data as MetricsData);
    } else {
      const reduce = this.kinds.reducer(event.type);
      if (reduce) this.visuals.set(event.type, reduce(this.visuals.get(event.type), event));
    }
  }

  /** Mark a live change the server has accepted. It applies from the run's next step: at the latest epoch
   * received, exactly so while paused, a stream's delay early while running. */
  markChange(label: string): void {
    this.markers = [...this.markers, { x: this.lastEpoch, label }];
  }

  private addMetrics(epoch: number, metrics: MetricsData): void {
    this.latest = { epoch, metrics };
    this.lastEpoch = epoch;
    this.losses.push(epoch, metrics as unknown as Record<string, number>);
    this.accuracies.push(epoch, metrics as unknown as Record<string, number>);
    this.rates.push(epoch, { lr: metrics.lr });
    const norms = metrics.grad_norms ?? {};
    this.gradients ??= new Series(Object.keys(norms));
    this.gradients.push(epoch, norms);
    if (!this.flushPending) {
      this.flushPending = true;
      beforeNextPaint(() => this.flush());
    }
  }

  /** Show the latest metrics (and the curves' new points). */
  flush(): void {
    this.flushPending = false;
    if (!this.latest) return;
    this.metrics = this.latest.metrics;
    this.epoch = wholeEpoch(this.latest.epoch);
    this.latest = null;
    this.version++;
  }

  /** Follow the run's events from the start (stored ones first, then live). */
  follow(options: Partial<RunStreamOptions> = {}): this {
    this.connection = 'live';
    this.stream = new RunStream(this.runId, {
      ...options,
      onEvent: (event) => this.apply(event),
      onConnection: (connected) => {
        if (this.connection !== 'closed') this.connection = connected ? 'live' : 'reconnecting';
      },
      onEnd: () => {
        this.connection = 'closed';
      },
    }).start();
    return this;
  }

  /** Stop listening (the run itself goes on; stopping it is a REST call). */
  close(): void {
    this.stream?.close();
    this.stream = null;
    this.connection = 'closed';
  }
}
