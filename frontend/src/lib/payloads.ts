// The event payloads this page draws, as the server's schemas define them (generated/api.ts is
// generated from the OpenAPI document; `make types` refreshes it, and a test fails while it is stale).

import type { components } from './generated/api';

type Schemas = components['schemas'];

export type MetricsData = Schemas['MetricsData'];
export type DatasetData = Schemas['DatasetData'];
export type PointSet = Schemas['DatasetSplit'];
export type BoundaryData = Schemas['BoundaryData'];
export type NeuronMap = Schemas['Neuron'];
export type ConfusionData = Schemas['ConfusionData'];
/** POST /data/preview: the dataset event's fields plus each input feature over the plane. */
export type DataPreview = Schemas['PreviewOut'];

/** [xmin, xmax, ymin, ymax] of the 2-D input plane. */
export type Extent = DatasetData['extent'];

export type FeatureMapsData = Schemas['FeatureMapsData'];
export type FiltersData = Schemas['FiltersData'];
export type MisclassifiedData = Schemas['MisclassifiedData'];
/** POST /specs/plan: each layer's output shape and parameters. */
export type NetworkPlan = Schemas['PlanOut'];
export type LayerPlan = Schemas['LayerPlan'];

export type AttentionData = Schemas['AttentionData'];
export type HiddenStatesData = Schemas['HiddenStatesData'];
export type TimeGradientsData = Schemas['TimeGradientsData'];
export type PredictionsData = Schemas['PredictionsData'];
export type SamplesData = Schemas['SamplesData'];
export type LatentData = Schemas['LatentData'];
export type ReconstructionsData = Schemas['ReconstructionsData'];
export type EmbeddingsData = Schemas['EmbeddingsData'];
