// A uPlot plugin that marks moments on a chart's x axis (a live change of the learning rate, say):
// a dashed vertical line with a label, laid as elements over the plot, so they are read and tested
// like the rest of the page and follow every redraw and resize.
//
// A chart redraws ten times a second while a run streams, and the x axis moves at nearly every draw:
// each marker's element is made once and only moved (a transform, which needs no layout), the plot's
// width is taken from uPlot rather than measured (a measure would force a layout at every draw), and the
// layer's children change only when the markers in view do.

import uPlot from 'uplot';

export interface ChartMarker {
  x: number;
  label: string;
}

function markerElement({ x, label }: ChartMarker): HTMLDivElement {
  const line = document.createElement('div');
  line.className = 'chart-marker';
  line.dataset.testid = 'chart-marker';
  line.dataset.x = String(x);
  const text = document.createElement('span');
  text.textContent = label;
  line.append(text);
  return line;
}

/** The plugin; `markers` is read at every draw, so it always shows the current list. */
export function markersPlugin(markers: () => ChartMarker[]): uPlot.Plugin {
  let layer: HTMLDivElement | null = null;
  const elements = new WeakMap<ChartMarker, HTMLDivElement>();
  let inView: HTMLDivElement[] = [];

  function place(u: uPlot): void {
    if (!layer) return;
    const width = u.bbox.width / uPlot.pxRatio; // the plot's width in CSS pixels, as uPlot laid it out
    const shown: HTMLDivElement[] = [];
    for (const marker of markers()) {
      const left = u.valToPos(marker.x, 'x');
      if (!Number.isFinite(left) || left < -1 || left > width + 1) continue;
      let line = elements.get(marker);
      if (!line) elements.set(marker, (line = markerElement(marker)));
      const transform = `translateX(${Math.round(left)}px)`;
      if (line.style.transform !== transform) line.style.transform = transform;
      // Past the middle the label goes left of its line, so it never leaves the chart.
      line.firstElementChild!.classList.toggle('left', left > width / 2);
      shown.push(line);
    }
    if (shown.length !== inView.length || shown.some((line, i) => line !== inView[i])) layer.replaceChildren(...shown);
    inView = shown;
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
