// The caller's uploaded datasets (GET /datasets), shared by the page: the data panel lists them next to the
// catalog's 2-D datasets, and the network's first column shows their feature columns as its inputs.

import { listDatasets, uploadedEntry, type DatasetInfo, type UploadedDataset } from './api';

export const uploads = $state<{ list: UploadedDataset[] }>({ list: [] });

/** Read the list again (after an upload or a delete); a server that cannot list them leaves it empty. */
export async function loadUploads(): Promise<void> {
  try {
    uploads.list = await listDatasets();
  } catch {
    uploads.list = []; // signed out, or an older server: the built-in datasets still work
  }
}

export function uploadNamed(name: string | undefined): UploadedDataset | undefined {
  return uploads.list.find((d) => d.name === name);
}

/** The catalog's datasets, then the uploaded ones. */
export function withUploads(datasets: DatasetInfo[]): DatasetInfo[] {
  const builtIn = new Set(datasets.map((d) => d.name));
  return [...datasets, ...uploads.list.filter((d) => !builtIn.has(d.name)).map(uploadedEntry)];
}
