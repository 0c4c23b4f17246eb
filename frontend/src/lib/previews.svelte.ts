// The pictures a 2-D page shows before any run: the data as it will be trained on, and the network
// as it will start (its initial weights: every neuron's map, the output, the weights on the links),
// asked of the server again after every change, debounced while a slider moves.

import { previewData, previewNetwork } from './api';
import { withoutLive } from './liveEdits';
import { pageCounters } from './pageCounters';
import type { BoundaryData, DataPreview } from './payloads';
import type { FullSpec } from './spec';

const PREVIEW_DELAY_MS = 150;

export class Previews {
  data = $state.raw<DataPreview | null>(null);
  /** The untrained network, drawn until the run's own frames arrive. */
  network = $state.raw<BoundaryData | null>(null);
  private asked = 0;
  private askedFor = '';

  /** Create it while a component initialises: it follows `spec()` (null: nothing to preview) while that lives. */
  constructor(spec: () => FullSpec | null, onError: (e: unknown) => void) {
    $effect(() => {
      const current = spec();
      if (!current) return;
      const data = $state.snapshot(current.data);
      const timer = setTimeout(() => {
        previewData(data, 16)
          .then((p) => {
            this.data = p;
            pageCounters().previewsShown++;
          })
          .catch(onError);
      }, PREVIEW_DELAY_MS);
      return () => clearTimeout(timer);
    });

    // A refused spec leaves the old picture; the run's Play reports the refusal.
    $effect(() => {
      const current = spec();
      if (!current) {
        this.network = null;
        this.askedFor = '';
        return;
      }
      const snapshot = $state.snapshot(current) as FullSpec;
      // A live setting (the learning rate...) changes the training, not the start: nothing new to draw.
      const key = JSON.stringify(withoutLive(snapshot));
      if (key === this.askedFor) return;
      const timer = setTimeout(() => {
        this.askedFor = key; // when asked, not before: a debounced request cancelled here is asked again
        const asked = ++this.asked;
        previewNetwork(snapshot)
          .then((frame) => {
            if (asked !== this.asked) return; // an older answer arriving late is dropped
            this.network = frame;
            pageCounters().previewsShown++;
          })
          .catch(() => {});
      }, PREVIEW_DELAY_MS);
      return () => clearTimeout(timer);
    });
  }
}
