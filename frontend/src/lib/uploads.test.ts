import { afterEach, describe, expect, it, vi } from 'vitest';
import { previewData, setOpenAssignment, type UploadedDataset } from './api';
import { isAssigned, uploadNamed, uploads, withUploads } from './uploads.svelte';

const dataset = (name: string, columns: string[]): UploadedDataset => ({
  name, kind: '2d', task: 'classification', n_samples: 40, columns, target: 'kind', classes: ['a', 'b'],
  created_at: '2026-12-03T12:00:00Z',
});

describe('the open assignment\'s dataset', () => {
  afterEach(() => {
    uploads.list = [];
    uploads.assigned = null;
    setOpenAssignment(null);
    vi.unstubAllGlobals();
  });

  it('is listed while the assignment is open, before one of the same name of the student\'s own', () => {
    uploads.list = [dataset('fish', ['mine']), dataset('birds', ['wing'])];
    uploads.assigned = dataset('fish', ['length', 'weight', 'depth']);
    expect(uploadNamed('fish')?.columns).toEqual(['length', 'weight', 'depth']);
    expect(withUploads([]).map((d) => d.name)).toEqual(['fish', 'birds']);
    expect(isAssigned('fish') && !isAssigned('birds')).toBe(true);
    uploads.assigned = null;
    expect(uploadNamed('fish')?.columns).toEqual(['mine']);
    expect(isAssigned('fish')).toBe(false);
  });

  it('is previewed through the assignment', async () => {
    const bodies: unknown[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(init.body as string));
      return new Response('{}', { status: 200 });
    });
    const data = { dataset: 'fish' } as Parameters<typeof previewData>[0];
    setOpenAssignment('a1');
    await previewData(data, 4);
    setOpenAssignment(null);
    await previewData(data, 4);
    expect(bodies).toEqual([{ data, grid: 4, assignment: 'a1' }, { data, grid: 4 }]);
  });
});
