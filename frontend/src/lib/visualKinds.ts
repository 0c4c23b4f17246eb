// The seam for visual kinds in the page: each event type a run streams is registered once, with how
// its events update what the page keeps of it (its reducer) and the view that draws that. The session
// and the panels only ever ask the registry, so a new kind is a view file and one registry line
// (views/registry.ts), never an edit to RunSession or to the page's layout.

import type { Component } from 'svelte';
import type { RunEvent } from './stream';

/** How an event of a kind updates that kind's state (undefined before its first event). */
export type Reducer<S> = (state: S | undefined, event: RunEvent) => S;

/** Where on the page a view goes: the output column, the grid under the curves, or full width below it. */
export type Place = 'output' | 'details' | 'wide';

/** A view draws its kind's state; null until the run's first event of that kind (or with no run).
 * Views take the prop under another name (`let { state: attention } = $props()`): a local named
 * `state` would turn `$state` into a store subscription. */
export type View<S> = Component<{ state: S | null }>;

export interface VisualKind<S = unknown> {
  /** The event type, exactly as the server names it (workers/engine/event_schema.py). */
  type: string;
  /** Defaults to keepLatest. */
  reduce?: Reducer<S>;
  /** Absent for kinds that another view draws with the page's own state (the 2-D boundary and data). */
  view?: View<S>;
  place?: Place;
  /** The data kinds ('2d', 'image', 'sequence') whose runs show the view; every kind when absent. */
  dataKinds?: readonly string[];
}

/** Most kinds show only their newest frame. */
export const keepLatest: Reducer<unknown> = (_, event) => event.data;

/** Type-checks one registration: its reducer, view and state agree. */
export function visual<S>(kind: VisualKind<S>): VisualKind<S> {
  return kind;
}

export interface PlacedView {
  type: string;
  view: View<unknown>;
}

export class VisualRegistry {
  private readonly kinds = new Map<string, VisualKind<any>>();

  constructor(kinds: readonly VisualKind<any>[]) {
    for (const kind of kinds) {
      if (this.kinds.has(kind.type)) throw new Error(`visual kind ${kind.type} registered twice`);
      this.kinds.set(kind.type, kind);
    }
  }

  /** The registered event types, in registration order. */
  types(): string[] {
    return [...this.kinds.keys()];
  }

  /** The reducer of an event type, or null for a type no view draws (the page ignores it). */
  reducer(type: string): Reducer<unknown> | null {
    const kind = this.kinds.get(type);
    return kind ? (kind.reduce ?? keepLatest) : null;
  }

  /** The views placed at `place` for runs of a data kind, in registration order. */
  views(place: Place, dataKind: string): PlacedView[] {
    return [...this.kinds.values()]
      .filter((kind) => kind.view && kind.place === place && (!kind.dataKinds || kind.dataKinds.includes(dataKind)))
      .map((kind) => ({ type: kind.type, view: kind.view as View<unknown> }));
  }
}
