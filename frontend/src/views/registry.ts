// The page's visual kinds: one line per event type, naming its view and where it goes (and its
// reducer where "keep the latest event's data" does not fit). Registration order is the order on the page.

import type { BoundaryData, ConfusionData, DatasetData } from '../lib/payloads';
import { visual, VisualRegistry } from '../lib/visualKinds';
import Attention from './Attention.svelte';
import { countedLatest } from './Boundary.svelte';
import Confusion from './Confusion.svelte';
import Embeddings from './Embeddings.svelte';
import FeatureMaps, { byProbe } from './FeatureMaps.svelte';
import GradientCheck from './GradientCheck.svelte';
import Filters from './Filters.svelte';
import HiddenStates from './HiddenStates.svelte';
import Latent from './Latent.svelte';
import Misclassified from './Misclassified.svelte';
import Predictions from './Predictions.svelte';
import Samples from './Samples.svelte';
import Reconstructions from './Reconstructions.svelte';
import TimeGradients from './TimeGradients.svelte';

export const VISUALS = new VisualRegistry([
  // The 2-D data and boundary are drawn by the output column and the network diagram, which show the
  // page's data preview before any run, so they have no view of their own here.
  visual<DatasetData>({ type: 'dataset' }),
  visual<BoundaryData>({ type: 'boundary', reduce: countedLatest }),
  visual({ type: 'feature_maps', reduce: byProbe, view: FeatureMaps, place: 'output', dataKinds: ['image'] }),
  visual({ type: 'predictions', view: Predictions, place: 'output', dataKinds: ['sequence'] }),
  visual({ type: 'embeddings', view: Embeddings, place: 'output', dataKinds: ['sequence'] }),
  visual({ type: 'samples', view: Samples, place: 'output', dataKinds: ['gan'] }),
  visual({ type: 'latent', view: Latent, place: 'output', dataKinds: ['autoencoder'] }),
  visual({ type: 'reconstructions', view: Reconstructions, place: 'output', dataKinds: ['autoencoder'] }),
  visual<ConfusionData>({ type: 'confusion', view: Confusion, place: 'details' }),
  visual({ type: 'gradient_check', view: GradientCheck, place: 'details', dataKinds: ['2d'] }),
  visual({ type: 'misclassified', view: Misclassified, place: 'details', dataKinds: ['image'] }),
  visual({ type: 'filters', view: Filters, place: 'details', dataKinds: ['image'] }),
  visual({ type: 'time_gradients', view: TimeGradients, place: 'details', dataKinds: ['sequence'] }),
  visual({ type: 'hidden_states', view: HiddenStates, place: 'details', dataKinds: ['sequence'] }),
  visual({ type: 'attention', view: Attention, place: 'wide', dataKinds: ['sequence'] }),
]);
