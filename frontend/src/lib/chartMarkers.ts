// A uPlot plugin that marks moments on a chart's x axis (a live change of the learning rate, say):
// a dashed vertical line with a label, laid as elements over the plot, so they are read and tested
// like the rest of the page and follow every redraw and resize.

import type uPlot from 'uplot';

export interface ChartMarker {
  x: number;
  label: string;
}

/** The plugin; `markers` is read at every draw, so it always shows the current list. */
export function markersPlugin(markers: () => ChartMarker[]): uPlot.Plugin {
  let layer: HTMLDivElement | null = null;

  function place(u: uPlot): void {
    if (!layer) return;
    const width = u.over.clientWidth;
    layer.replaceChildren(
      ...markers().flatMap(({ x, label }) => {
        const left = u.valToPos(x, 'x');
        if (!Number.isFinite(left) || left < -1 || left > width + 1) return [];
        const line = document.createElement('div');
        line.className = 'chart-marker';
        line.dataset.testid = 'chart-marker';
        line.dataset.x = String(x);
        line.style.left = `${left}px`;
        const text = document.createElement('span');
        text.textContent = label;
        // Past the middle the label goes left of its line, so it never leaves the chart.
        if (left > width / 2) text.classList.add('left');
        line.append(text);
        return [line];
      }),
    );
  }

  return {
    hooks: {
      init: [
        (u) => {
          layer = document.createElement('div');
          layer.className = 'chart-markers';
          u.over.appendChild(layer);
        },
      ],
      draw: [place],
    },
  };
}
