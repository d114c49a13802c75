/** A verbatim with its evidence spans (character offsets from the analysis) marked. */
export function Highlight({ text, spans }: { text: string; spans: { start: number; end: number }[] }) {
  const sorted = [...spans].filter((s) => s.end > s.start && s.start >= 0 && s.end <= text.length).sort((a, b) => a.start - b.start);
  const parts = [];
  let at = 0;
  for (const span of sorted) {
    if (span.start < at) continue; // overlapping spans: the first one wins
    if (span.start > at) parts.push(text.slice(at, span.start));
    parts.push(<mark>{text.slice(span.start, span.end)}</mark>);
    at = span.end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}
