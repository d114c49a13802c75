/** Number and date formatting shared by the views. */
export const fmtNps = (n: number | null | undefined) => (n === null || n === undefined ? '–' : `${n > 0 ? '+' : ''}${n.toFixed(0)}`);
export const fmtPoints = (n: number | null | undefined) => (n === null || n === undefined ? '–' : `${n > 0 ? '+' : ''}${n.toFixed(1)}`);
export const fmtPct = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
export const fmtMoe = (moe: number | null | undefined) => (moe === null || moe === undefined ? '' : `± ${moe.toFixed(1)}`);
// One formatter each, made on first use: `toLocaleString` builds a new one on every call, which
// cost more than the rest of a page's render (the same output: the browser's locale and options).
let dateFormat: Intl.DateTimeFormat | undefined;
let intFormat: Intl.NumberFormat | undefined;
export const fmtDate = (iso: string) =>
  (dateFormat ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' })).format(new Date(iso));
export const fmtInt = (n: number) => (intFormat ??= new Intl.NumberFormat()).format(n);

/** "due in 5 h", "3 h overdue". */
export function slaText(dueAt: string, now = Date.now()): { text: string; overdue: boolean } {
  const ms = new Date(dueAt).getTime() - now;
  const abs = Math.abs(ms);
  const span =
    abs >= 86_400_000
      ? `${Math.round(abs / 86_400_000)} d`
      : abs >= 3_600_000
        ? `${Math.round(abs / 3_600_000)} h`
        : `${Math.max(1, Math.round(abs / 60_000))} min`;
  return ms >= 0 ? { text: `due in ${span}`, overdue: false } : { text: `${span} overdue`, overdue: true };
}

/** Two NPS figures differ significantly when the gap exceeds their combined 95% margin. */
export function significantChange(
  a: { nps: number | null; marginOfError: number | null },
  b: { nps: number | null; marginOfError: number | null },
): boolean {
  if (a.nps === null || b.nps === null || a.marginOfError === null || b.marginOfError === null) return false;
  return Math.abs(a.nps - b.nps) > Math.hypot(a.marginOfError, b.marginOfError);
}

/** An NPS margin band's ends, kept on the NPS scale (−100…+100): a small sample's margin can reach past it. */
export function npsBand(nps: number, margin: number | null | undefined): [number, number] {
  const m = margin ?? 0;
  return [Math.max(-100, nps - m), Math.min(100, nps + m)];
}
