// Counters the browser benchmarks read (bench/ui_stream.py, bench/wall.py) from window.__playground.

export interface PageCounters {
  eventsReceived: number;
  boundaryEvents: number;
  framesDrawn: number;
  /** The wall's messages received, and tile pictures painted. */
  wallMessages: number;
  wallPainted: number;
  /** Answers of the data and network previews shown (a page is ready to measure once both came). */
  previewsShown: number;
}

export function pageCounters(): PageCounters {
  const host = globalThis as unknown as { __playground?: PageCounters };
  host.__playground ??= {
    eventsReceived: 0, boundaryEvents: 0, framesDrawn: 0, wallMessages: 0, wallPainted: 0, previewsShown: 0,
  };
  return host.__playground;
}
