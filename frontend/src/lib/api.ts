// Thin fetch wrappers for the REST API under /api/v1 (same origin as the page).

import type { components } from './generated/api';
import type { LiveValues } from './liveEdits';
import type { BoundaryData, DataPreview, NetworkPlan } from './payloads';
import type { FullSpec } from './spec';

export const API_PREFIX = '/api/v1';

type Schemas = components['schemas'];

export type RunStatus = Schemas['RunOut']['status'];
export type ControlAction = Schemas['ControlIn']['action'];

export interface LayerSpec {
  type: string;
  units?: number;
  activation?: string;
  [key: string]: unknown;
}

/** Only the fields the page edits are typed; everything else is passed through untouched. */
export interface Spec {
  data: { dataset: string; [key: string]: unknown };
  model?: { layers?: LayerSpec[]; [key: string]: unknown };
  [key: string]: unknown;
}

export type Preset = Schemas['Preset'];

export type DatasetInfo = Schemas['DatasetEntry'];

/** A choice's parameters as JSON schema properties (type, default, bounds): the server sends them as
 * JSON schema, typed here by the keys the page reads. */
export type Parameters = Record<string, ParameterSchema>;

export interface ParameterSchema {
  type?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  title?: string;
  description?: string;
  [key: string]: unknown;
}

export type LayerInfo = Schemas['LayerEntry'];

/** GET /catalog, as generated, with its whole-spec defaults typed as the spec they are. */
export type Catalog = Omit<Schemas['Catalog'], 'defaults'> & { defaults: FullSpec };

export type Run = Schemas['RunOut'];

export type MetricHistory = Schemas['MetricHistory'];

/** One metric's series in a history (empty where the run has none; per-layer norms are not one series). */
export function metricSeries(history: MetricHistory, name: string): (number | null)[] {
  const values = history[name];
  return Array.isArray(values) ? values : [];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds, from the answer's Retry-After (a 429 over a quota, a 503): when trying again may succeed. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Retry-After in seconds; null when absent or an HTTP date (the server sends seconds). */
export function retryAfterSeconds(header: string | null): number | null {
  const seconds = header === null ? NaN : Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null;
}

/** What the page says of a refusal: the server's words, and when to try again unless they say it already. */
export function describeRefusal(error: ApiError): string {
  if (error.status === 422) return `Invalid setting: ${error.message}`;
  const wait = error.retryAfter;
  const when = wait !== null && !error.message.includes(`${wait} s`) ? ` (try again in ${wait} s)` : '';
  return `${error.status === 429 ? 'Over your limit' : `Error ${error.status}`}: ${error.message}${when}`;
}

interface ValidationIssue {
  loc?: (string | number)[];
  msg?: string;
}

/** Turn an error body into one readable line; FastAPI's 422 lists issues as {loc, msg}. */
export function describeErrorBody(status: number, body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (Array.isArray(detail)) {
    return detail
      .map((issue: ValidationIssue) => `${(issue.loc ?? []).join('.')}: ${issue.msg ?? 'invalid'}`)
      .join('; ');
  }
  if (typeof detail === 'string') return detail;
  return `request failed with HTTP ${status}`;
}

/** A JSON body, or a form (URLSearchParams: fetch sends it form-encoded, as OAuth2's sign-in wants; FormData:
 * multipart, as an upload is). */
async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const form = body instanceof URLSearchParams || body instanceof FormData;
  const response = await fetch(API_PREFIX + path, {
    method,
    headers: body === undefined || form ? undefined : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : form ? (body as BodyInit) : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null; // a proxy's HTML error page, for example; the status is still reported
  }
  if (!response.ok) {
    const retryAfter = retryAfterSeconds(response.headers.get('Retry-After'));
    throw new ApiError(response.status, describeErrorBody(response.status, parsed), retryAfter);
  }
  return parsed as T;
}

export const fetchPresets = () => request<Preset[]>('GET', '/presets');

export const fetchCatalog = () => request<Catalog>('GET', '/catalog');

/** A new run; with `assignment`, made for that assignment (the server checks its locks). */
export const createRun = (spec: Spec | FullSpec, name?: string, assignment?: string) =>
  request<Run>('POST', '/runs', { spec, ...(name ? { name } : {}), ...(assignment ? { assignment } : {}) });

export const listRuns = () => request<Run[]>('GET', '/runs');

export const fetchRun = (runId: string) => request<Run>('GET', `/runs/${encodeURIComponent(runId)}`);

export const fetchMetrics = (runId: string) =>
  request<MetricHistory>('GET', `/runs/${encodeURIComponent(runId)}/metrics`);

/** A new name for a run; null names it by its settings again. */
export const renameRun = (runId: string, name: string | null) =>
  request<Run>('PATCH', `/runs/${encodeURIComponent(runId)}`, { name });

export const deleteRun = (runId: string) => request<void>('DELETE', `/runs/${encodeURIComponent(runId)}`);

/** The assignment open on the page: the previews and the plan name it, so that its uploaded dataset (the
 * instructor's, which a student may train on but not read) is found as the run for it finds it. */
let openAssignment: string | null = null;

export function setOpenAssignment(id: string | null): void {
  openAssignment = id;
}

const forAssignment = () => (openAssignment ? { assignment: openAssignment } : {});

export const planNetwork = (spec: FullSpec) =>
  request<NetworkPlan>('POST', '/specs/plan', { spec, ...forAssignment() });

/** A 2-D network as it starts: the trainer's first frame (maps, output, weights), without training. */
export const previewNetwork = (spec: FullSpec) =>
  request<BoundaryData>('POST', '/specs/preview', { spec, ...forAssignment() });

export const previewData = (data: FullSpec['data'], grid = 32) =>
  request<DataPreview>('POST', '/data/preview', { data, grid, ...forAssignment() });

export const controlRun = (runId: string, action: ControlAction) =>
  request<unknown>('POST', `/runs/${encodeURIComponent(runId)}/control`, { action });

/** A live change: the run goes on with these values from its next step (202), or 422 naming a path. */
export const setLive = (runId: string, values: LiveValues) =>
  request<Run>('POST', `/runs/${encodeURIComponent(runId)}/control`, { action: 'set', values });

/** One of the caller's uploaded datasets (POST /datasets): `data.dataset` may name it. */
export type UploadedDataset = Schemas['DatasetOut'];

export const listDatasets = () => request<UploadedDataset[]>('GET', '/datasets');

/** Upload a CSV of points; a bad file is a 422 naming the line and column. */
export function uploadDataset(file: File, name?: string): Promise<UploadedDataset> {
  const form = new FormData();
  form.append('file', file);
  if (name) form.append('name', name);
  return request<UploadedDataset>('POST', '/datasets', form);
}

export const deleteDataset = (name: string) => request<void>('DELETE', `/datasets/${encodeURIComponent(name)}`);

/** An uploaded dataset as the data panel lists datasets: 2-D points of its task, with no generator's parameters. */
export function uploadedEntry(dataset: UploadedDataset): DatasetInfo {
  const what = dataset.task === 'classification' ? `${dataset.classes?.length ?? 2} classes of ${dataset.target}` : dataset.target;
  return {
    name: dataset.name, kind: '2d', task: dataset.task, parameters: {},
    description: `Uploaded: ${dataset.n_samples} rows; features ${dataset.columns.join(', ')}; ${what}.`,
  } as DatasetInfo;
}

export type Me = Schemas['Me'];

/** Who the page is signed in as; a 401 when the server has accounts and nobody is. */
export const fetchMe = () => request<Me>('GET', '/me');

/** Join a class by its code; the answer's session cookie keeps the page signed in. */
export const joinClass = (code: string, name: string) => request<Schemas['Joined']>('POST', '/join', { code, name });

/** An instructor's or admin's sign-in; it sets the same session cookie. */
export const signIn = (username: string, password: string) =>
  request<Schemas['TokenOut']>('POST', '/auth/token', new URLSearchParams({ username, password }));

export type Assignment = Schemas['AssignmentOut'];
export type AssignmentIn = Schemas['AssignmentIn'];
export type Standing = Schemas['Standing'];

const classPath = (classId: string) => `/classes/${encodeURIComponent(classId)}`;
const assignmentPath = (assignmentId: string) => `/assignments/${encodeURIComponent(assignmentId)}`;

export const fetchAssignments = (classId: string) => request<Assignment[]>('GET', `${classPath(classId)}/assignments`);

export const createAssignment = (classId: string, body: AssignmentIn) =>
  request<Assignment>('POST', `${classPath(classId)}/assignments`, body);

export const fetchLeaderboard = (assignmentId: string) =>
  request<Standing[]>('GET', `${assignmentPath(assignmentId)}/leaderboard`);

/** The instructor's gradebook file: a plain link, so the browser downloads it with the session cookie. */
export const resultsUrl = (assignmentId: string) => `${API_PREFIX}${assignmentPath(assignmentId)}/results.csv`;

export type ClassInfo = Schemas['ClassOut'];

/** The classes the caller teaches (an admin: every class), with their join codes. */
export const listClasses = () => request<ClassInfo[]>('GET', '/classes');

export const createClass = (name: string) => request<ClassInfo>('POST', '/classes', { name });
