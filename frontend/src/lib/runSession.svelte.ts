// Everything the page shows about one run, built from its events. One session per opened run:
// a live run, or an earlier one reopened from the history (its stored events replay first).

import type { RunStatus } from './api';
import type {
  AttentionData,
  BoundaryData,
  ConfusionData,
  DatasetData,
  FeatureMapsData,
  FiltersData,
  HiddenStatesData,
  MetricsData,
  MisclassifiedData,
  PredictionsData,
  TimeGradientsData,
} from './payloads';
import { wholeEpoch, type PageStatus } from './runState';
import { Series } from './series';
import { RunStream, type RunEvent, type RunStreamOptions } from './stream';

export type Connection = 'idle' | 'live' | 'reconnecting' | 'closed';

/** Counters the browser benchmark reads (bench/ui_stream.py). */
export interface PageCounters {
  eventsReceived: number;
  boundaryEvents: number;
  framesDrawn: number;
}

export function pageCounters(): PageCounters {
  const host = globalThis as unknown as { __playground?: PageCounters };
  host.__playground ??= { eventsReceived: 0, boundaryEvents: 0, framesDrawn: 0 };
  return host.__playground;
}

/** Runs fn before the next paint (at once where there is no page, as under unit tests). */
const beforeNextPaint: (fn: () => void) => void =
  typeof requestAnimationFrame === 'function' ? (fn) => requestAnimationFrame(fn) : (fn) => fn();

export class RunSession {
  status = $state<PageStatus>('idle');
  message = $state('');
  epoch = $state(0);
  connection = $state<Connection>('idle');
  metrics = $state.raw<MetricsData | null>(null);
  dataset = $state.raw<DatasetData | null>(null);
  boundary = $state.raw<BoundaryData | null>(null);
  confusion = $state.raw<ConfusionData | null>(null);
  /** The latest feature maps of each probe image, by probe index. */
  featureMaps = $state.raw<Map<number, FeatureMapsData>>(new Map());
  filters = $state.raw<FiltersData | null>(null);
  misclassified = $state.raw<MisclassifiedData | null>(null);
  attention = $state.raw<AttentionData | null>(null);
  hiddenStates = $state.raw<HiddenStatesData | null>(null);
  timeGradients = $state.raw<TimeGradientsData | null>(null);
  /** Bumped with each time_gradients event, for its chart. */
  timeGradientsVersion = $state(0);
  predictions = $state.raw<PredictionsData | null>(null);
  /** Bumped when new metrics are shown: the charts redraw from the series below when it changes. */
  version = $state(0);

  readonly losses = new Series(['train_loss', 'test_loss']);
  readonly accuracies = new Series(['train_accuracy', 'test_accuracy']);
  readonly rates = new Series(['lr']);
  /** Per-layer gradient norms; the layer names arrive with the first metrics event. */
  gradients = $state.raw<Series | null>(null);

  private stream: RunStream | null = null;
  // A small network trains hundreds of epochs a second: the curves take every metrics event at once,
  // but the page's numbers and charts are told once per frame, so it never renders more than it shows.
  private latest: { epoch: number; metrics: MetricsData } | null = null;
  private flushPending = false;

  constructor(readonly runId: string, status: RunStatus | 'idle' = 'idle') {
    this.status = status;
  }

  get diverged(): boolean {
    return this.status === 'failed' && /diverg/i.test(this.message);
  }

  apply(event: RunEvent): void {
    const counters = pageCounters();
    counters.eventsReceived++;
    switch (event.type) {
      case 'status':
        this.flush(); // the numbers first, so a final status never shows beside stale ones
        this.status = event.data.status;
        this.message = event.data.message ?? '';
        break;
      case 'metrics':
        this.addMetrics(event.epoch, event.data as MetricsData);
        break;
      case 'dataset':
        this.dataset = event.data as DatasetData;
        break;
      case 'boundary':
        counters.boundaryEvents++;
        this.boundary = event.data as BoundaryData;
        break;
      case 'confusion':
        this.confusion = event.data as ConfusionData;
        break;
      case 'feature_maps': {
        const maps = event.data as FeatureMapsData;
        this.featureMaps = new Map(this.featureMaps).set(maps.probe, maps);
        break;
      }
      case 'filters':
        this.filters = event.data as FiltersData;
        break;
      case 'misclassified':
        this.misclassified = event.data as MisclassifiedData;
        break;
      case 'attention':
        this.attention = event.data as AttentionData;
        break;
      case 'hidden_states':
        this.hiddenStates = event.data as HiddenStatesData;
        break;
      case 'time_gradients':
        this.timeGradients = event.data as TimeGradientsData;
        this.timeGradientsVersion++;
        break;
      case 'predictions':
        this.predictions = event.data as PredictionsData;
        break;
    }
  }

  private addMetrics(epoch: number, metrics: MetricsData): void {
    this.latest = { epoch, metrics };
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
