/**
 * A chart (Observable Plot, rendered to SVG at the container's width) with its accessible
 * alternative: the same numbers as a table, one click away.
 *
 * Plot (with its d3 modules) is most of the app's script, so it is a chunk of its own: index.html
 * preloads it beside the entry script (vite.config.ts), and the app runs it (`loadPlot`) once the
 * page's queries are on their way, instead of before the first query can be sent.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { DataTable, type TableSpec } from './DataTable';
import type * as PlotParts from './plot-lib';

export type PlotLib = typeof PlotParts;

let plotLoading: Promise<PlotLib> | null = null;
let plotLoaded: PlotLib | null = null;

/** Observable Plot, loaded once; call it early so it is parsed by the time the data arrives. */
export function loadPlot(): Promise<PlotLib> {
  plotLoading ??= import('./plot-lib').then((plot) => (plotLoaded = plot));
  return plotLoading;
}

export function Chart({
  title,
  description,
  render,
  table,
  height = 260,
}: {
  title: string;
  description?: string;
  render: (plot: PlotLib, size: { width: number; height: number }) => SVGSVGElement | HTMLElement;
  table: TableSpec;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [plot, setPlot] = useState(plotLoaded);
  useEffect(() => {
    if (!plot) void loadPlot().then(setPlot);
  }, []);
  // The width before the first paint (a layout effect), so the chart is drawn in the frame that shows its data.
  useLayoutEffect(() => {
    const el = box.current!;
    setWidth(Math.floor(el.getBoundingClientRect().width));
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useLayoutEffect(() => {
    const el = box.current!;
    if (width === 0 || !plot) return;
    const chart = render(plot, { width, height });
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', description ? `${title}: ${description}` : title);
    // Inside role="img" the marks are presentational; the table below carries their content.
    for (const el of chart.querySelectorAll('[aria-label], [aria-description], [aria-hidden]')) {
      el.removeAttribute('aria-label');
      el.removeAttribute('aria-description');
    }
    el.replaceChildren(chart);
  });
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-canvas" style={{ minHeight: `${height}px` }} />
      <details class="chart-table">
        <summary>Show as table</summary>
        <DataTable {...table} caption={table.caption ?? title} />
      </details>
    </figure>
  );
}

export function Card({
  title,
  children,
  actions,
  half = false,
}: {
  title: ComponentChildren;
  children: ComponentChildren;
  actions?: ComponentChildren;
  half?: boolean;
}) {
  return (
    <section class={half ? 'card half' : 'card'}>
      <header class="card-head">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}
