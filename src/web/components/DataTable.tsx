/** A plain, accessible table: a caption, header cells with scope, numbers right-aligned. */
import type { ComponentChildren } from 'preact';

export interface TableSpec {
  caption?: string;
  columns: { label: string; numeric?: boolean }[];
  rows: ComponentChildren[][];
}

export function DataTable({ caption, columns, rows, visuallyHiddenCaption = true }: TableSpec & { visuallyHiddenCaption?: boolean }) {
  return (
    <div class="table-wrap">
      <table>
        {caption && <caption class={visuallyHiddenCaption ? 'sr-only' : ''}>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" class={c.numeric ? 'num' : ''}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              {row.map((cell, i) => (i === 0 ? <th scope="row">{cell}</th> : <td class={columns[i]?.numeric ? 'num' : ''}>{cell}</td>))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} class="empty">
                No data for these filters.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
