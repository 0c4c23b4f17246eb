import { describe, expect, it } from 'vitest';
import Confusion from '../views/Confusion.svelte';
import { VISUALS } from '../views/registry';
import openapi from './generated/openapi.json';
import { RunSession } from './runSession.svelte';
import type { RunEvent } from './stream';
import { visual, VisualRegistry, type Reducer } from './visualKinds';

let seq = 0;
const event = (type: string, data: object): RunEvent => ({ seq: ++seq, type, step: seq, epoch: 0, time: 0, data });

describe('the visual-kind registry', () => {
  it('routes a new kind’s events through its own reducer into the session, with no edit to RunSession', () => {
    // A toy kind that sums what its events carry, where "keep the latest" would not do.
    const sum: Reducer<number> = (total, e) => (total ?? 0) + e.data.value;
    const registry = new VisualRegistry([visual({ type: 'toy_sum', reduce: sum }), visual({ type: 'toy_latest' })]);
    const session = new RunSession('toy', 'running', registry);

    expect(session.visual('toy_sum')).toBeNull();
    session.apply(event('toy_sum', { value: 2 }));
    session.apply(event('toy_sum', { value: 3 }));
    session.apply(event('toy_latest', { frame: 1 }));
    session.apply(event('toy_latest', { frame: 2 }));
    session.apply(event('confusion', { labels: [], matrix: [] })); // not in this registry: ignored

    expect(session.visual('toy_sum')).toBe(5);
    expect(session.visual('toy_latest')).toEqual({ frame: 2 });
    expect(session.visual('confusion')).toBeNull();
  });

  it('places views by place and data kind, in registration order', () => {
    const registry = new VisualRegistry([
      visual({ type: 'a', view: Confusion, place: 'details' }),
      visual({ type: 'b', view: Confusion, place: 'details', dataKinds: ['image'] }),
      visual({ type: 'c', view: Confusion, place: 'wide', dataKinds: ['image'] }),
      visual({ type: 'd' }), // reduced only: drawn elsewhere
    ]);
    const types = (place: 'details' | 'wide', kind: string) => registry.views(place, kind).map((v) => v.type);
    expect(types('details', 'image')).toEqual(['a', 'b']);
    expect(types('details', '2d')).toEqual(['a']);
    expect(types('wide', 'image')).toEqual(['c']);
    expect(registry.reducer('d')).not.toBeNull();
  });

  it('refuses one event type registered twice', () => {
    expect(() => new VisualRegistry([visual({ type: 'x' }), visual({ type: 'x' })])).toThrow(/twice/);
  });

  it('registers every visual event type the server streams, under the server’s name', () => {
    const streamed = Object.keys(openapi.components.schemas.Event.discriminator.mapping);
    // status and metrics drive the page itself; final_weights is for export (GET /runs/{id}/export), not drawn.
    const visualTypes = streamed.filter((type) => !['status', 'metrics', 'final_weights'].includes(type));
    expect([...VISUALS.types()].sort()).toEqual(visualTypes.sort());
  });

  it('gives each kind of data its views', () => {
    const types = (place: 'output' | 'details' | 'wide', kind: string) => VISUALS.views(place, kind).map((v) => v.type);
    expect(types('output', 'image')).toEqual(['feature_maps']);
    expect(types('output', 'sequence')).toEqual(['predictions', 'embeddings']);
    expect(types('details', 'image')).toEqual(['confusion', 'misclassified', 'filters']);
    expect(types('details', 'sequence')).toEqual(['confusion', 'time_gradients', 'hidden_states']);
    expect(types('wide', 'sequence')).toEqual(['attention']);
    expect(types('details', '2d')).toEqual(['confusion', 'gradient_check']);
  });
});
