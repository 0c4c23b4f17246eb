// The caller's uploaded datasets (GET /datasets), shared by the page: the data panel lists them next to the
// catalog's 2-D datasets, and the network's first column shows their feature columns as its inputs.

import { listDatasets, uploadedEntry, type DatasetInfo, type UploadedDataset } from './api';

/** `assigned`: the uploaded dataset of the open assignment (its instructor's): listed while it is open, to train
 * on, never to delete. */
export const uploads = $state<{ list: UploadedDataset[]; assigned: UploadedDataset | null }>({ list: [], assigned: null });

/** Read the list again (after an upload or a delete); a server that cannot list them leaves it empty. */
export async function loadUploads(): Promise<void> {
  try {
    uploads.list = await listDatasets();
  } catch {
    uploads.list = []; // signed out, or an older server: the built-in datasets still work
  }
}

/** The open assignment's dataset first: its name means it in a run for the assignment, before one's own. */
function listed(): UploadedDataset[] {
  const assigned = uploads.assigned;
  return assigned ? [assigned, ...uploads.list.filter((d) => d.name !== assigned.name)] : uploads.list;
}

export function uploadNamed(name: string | undefined): UploadedDataset | undefined {
  return listed().find((d) => d.name === name);
}

/** Whether the name is the open assignment's dataset (the page offers no delete for it). */
export function isAssigned(name: string | undefined): boolean {
  return !!uploads.assigned && uploads.assigned.name === name;
}

/** The catalog's datasets, then the uploaded ones. */
export function withUploads(datasets: DatasetInfo[]): DatasetInfo[] {
  const builtIn = new Set(datasets.map((d) => d.name));
  return [...datasets, ...listed().filter((d) => !builtIn.has(d.name)).map(uploadedEntry)];
}
