// Thin fetch wrappers for the REST API under /api/v1 (same origin as the page).

export const API_PREFIX = '/api/v1';

export type RunStatus = 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';
export type ControlAction = 'pause' | 'resume' | 'step' | 'stop';

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

export interface Preset {
  name: string;
  title: string;
  description: string;
  spec: Spec;
}

export interface DatasetInfo {
  name: string;
  kind: '2d' | 'image' | 'sequence';
  task: 'classification' | 'regression';
  [key: string]: unknown;
}

export interface Catalog {
  datasets: DatasetInfo[];
  [key: string]: unknown;
}

export interface Run {
  id: string;
  status: RunStatus;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
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

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(API_PREFIX + path, {
    method,
    headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null; // a proxy's HTML error page, for example; the status is still reported
  }
  if (!response.ok) throw new ApiError(response.status, describeErrorBody(response.status, parsed));
  return parsed as T;
}

export const fetchPresets = () => request<Preset[]>('GET', '/presets');

export const fetchCatalog = () => request<Catalog>('GET', '/catalog');

export const createRun = (spec: Spec) => request<Run>('POST', '/runs', { spec });

export const controlRun = (runId: string, action: ControlAction) =>
  request<unknown>('POST', `/runs/${encodeURIComponent(runId)}/control`, { action });
