/**
 * A chart (Observable Plot, rendered to SVG at the container's width) with its accessible
 * alternative: the same numbers as a table, one click away.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { DataTable, type TableSpec } from './DataTable';

export function Chart({
  title,
  description,
  render,
  table,
  height = 260,
}: {
  title: string;
  description?: string;
  render: (size: { width: number; height: number }) => SVGSVGElement | HTMLElement;
  table: TableSpec;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = box.current!;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    const el = box.current!;
    if (width === 0) return;
    const chart = render({ width, height });
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
