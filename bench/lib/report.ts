/**
 * Terminal and JSON renderings of an evaluation run.
 */
import type { Taxonomy } from '../../src/analysis/types.js';
import { LABELS, type EvalItem } from './datasets.js';
import type { DatasetResult, TargetCheck } from './evaluate.js';
import { confusionMatrix, perLabelSetReport } from './metrics.js';
import { pct, renderTable } from './table.js';

export interface RunSummary {
  engineName: string | null;
  taxonomySource: string;
  taxonomy: Taxonomy | null;
  results: DatasetResult[];
  checks: TargetCheck[];
  pass: boolean | null;
  notes: string[];
}

const NA = '—';
const opt = (x: number | null | undefined, f: (v: number) => string) => (x === null || x === undefined ? NA : f(x));
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

export function printReport(run: RunSummary): void {
  const { results } = run;
  const out: string[] = [];
  const tax = run.taxonomy ? `${run.taxonomySource} (${run.taxonomy.themes.length} themes)` : 'none';
  out.push(`Verbatim evaluation — engine: ${run.engineName ?? 'unavailable'} · taxonomy: ${tax}`);
  out.push(
    'Scores in %; margins in points over the better baseline. "dev (tuning)" is tuned on; targets are judged on held-out data only.',
  );
  for (const r of results) if (r.note) out.push(`  ${r.name}: ${r.note}`);
  for (const n of run.notes) out.push(`  note: ${n}`);

  out.push('', 'SENTIMENT  (accuracy, macro-F1; Amazon: 2 classes, a neutral prediction is wrong)');
  out.push(
    renderTable(
      ['data', 'n', 'engine acc', 'F1', 'AFINN acc', 'F1', 'VADER acc', 'F1', 'margin'],
      results.map((r) => [
        r.name,
        String(r.n),
        opt(r.sentiment.engine?.accuracy, pct),
        opt(r.sentiment.engine?.macroF1, pct),
        pct(r.sentiment.afinn.accuracy),
        pct(r.sentiment.afinn.macroF1),
        pct(r.sentiment.vader.accuracy),
        pct(r.sentiment.vader.macroF1),
        opt(r.margins.sentimentPoints, signed),
      ]),
    ),
  );

  const themed = results.filter((r) => r.themes);
  if (themed.length > 0) {
    out.push('', 'THEMES  (micro precision / recall / F1 over (verbatim, theme) pairs)');
    out.push(
      renderTable(
        ['data', 'gold', 'engine P', 'R', 'F1', 'keyword P', 'R', 'F1', 'margin'],
        themed.map((r) => {
          const e = r.themes!.engine;
          const k = r.themes!.keyword;
          return [
            r.name,
            String(k.tp + k.fn),
            opt(e?.precision, pct),
            opt(e?.recall, pct),
            opt(e?.f1, pct),
            pct(k.precision),
            pct(k.recall),
            pct(k.f1),
            opt(r.margins.themePoints, signed),
          ];
        }),
      ),
    );
    out.push('', 'THEME SENTIMENT  (accuracy over themes both gold and predicted; baseline: keyword themes + whole-text VADER)');
    out.push(
      renderTable(
        ['data', 'engine acc', 'n', 'keyword+VADER acc', 'n'],
        themed.map((r) => {
          const e = r.themeSentiment!.engine;
          const k = r.themeSentiment!.keywordVader;
          return [r.name, opt(e?.accuracy, pct), opt(e?.n, String), pct(k.accuracy), String(k.n)];
        }),
      ),
    );
  }

  out.push('', 'TARGETS');
  out.push(
    renderTable(
      ['target', 'data', 'value', 'required', 'result'],
      run.checks.map((c) => [
        c.target,
        c.dataset,
        opt(c.value, signedOrPlain(c)),
        c.required,
        c.pass === null ? 'info' : c.pass ? 'PASS' : 'FAIL',
      ]),
    ),
  );
  const errors = results.filter((r) => r.engineErrors > 0);
  for (const r of errors) out.push(`  warning: the engine threw on ${r.engineErrors} ${r.name} verbatims (scored as neutral, no themes)`);
  out.push('', run.pass === null ? 'OVERALL: not judged (engine or held-out data missing)' : `OVERALL: ${run.pass ? 'PASS' : 'FAIL'}`);
  console.log(out.join('\n'));
}

function signedOrPlain(c: TargetCheck): (v: number) => string {
  return c.target.includes('margin') ? signed : (v) => v.toFixed(1);
}

/** Per-theme scores and sentiment confusion matrices for every labelled data set. */
export function printDetails(results: readonly DatasetResult[]): void {
  const out: string[] = [];
  for (const r of results) {
    const { raw } = r;
    const sources: [string, string[]][] = [['VADER', raw.vader]];
    if (raw.engine) sources.unshift(['ENGINE', raw.engine.map((p) => p.label)]);
    for (const [who, predicted] of sources) {
      out.push('', `${who} SENTIMENT CONFUSION — ${r.name} (rows gold, columns predicted)`);
      const m = confusionMatrix(raw.gold, predicted, LABELS);
      const rows = LABELS.flatMap((l, i) => (r.classes.includes(l) ? [[l, ...m[i].map(String)]] : []));
      out.push(renderTable(['gold \\ pred', ...LABELS], rows));
    }
    if (!raw.goldThemes || !raw.keyword) continue;
    const kw = perLabelSetReport(raw.goldThemes, raw.keyword);
    const en = raw.engine
      ? perLabelSetReport(
          raw.goldThemes,
          raw.engine.map((p) => [...p.themes.keys()]),
        )
      : null;
    out.push('', `PER THEME — ${r.name}`);
    const keys = [...new Set([...Object.keys(kw), ...Object.keys(en ?? {})])].sort();
    out.push(
      renderTable(
        ['theme', 'gold', 'engine P', 'R', 'F1', 'keyword P', 'R', 'F1'],
        keys.map((k) => {
          const e = en?.[k];
          const b = kw[k];
          const goldCount = (b ?? e).tp + (b ?? e).fn;
          return [
            k,
            String(goldCount),
            opt(e?.precision, pct),
            opt(e?.recall, pct),
            opt(e?.f1, pct),
            opt(b?.precision, pct),
            opt(b?.recall, pct),
            opt(b?.f1, pct),
          ];
        }),
      ),
    );
  }
  console.log(out.join('\n'));
}

/** The engine's misses on the tuning split: wrong overall label, missed or extra themes, wrong theme sentiment. */
export function printErrors(r: DatasetResult, items: readonly EvalItem[], limit: number): void {
  const preds = r.raw.engine;
  if (!preds) {
    console.log('\n(no engine: no errors to list)');
    return;
  }
  const lines: string[] = ['', `ENGINE MISSES — ${r.name} (first ${limit})`];
  let shown = 0;
  items.forEach((it, i) => {
    if (shown >= limit) return;
    const p = preds[i];
    const problems: string[] = [];
    if (p.label !== it.sentiment) problems.push(`sentiment ${p.label} ≠ ${it.sentiment}`);
    const gold = new Map((it.themes ?? []).map((t) => [t.key, t.sentiment]));
    const missed = [...gold.keys()].filter((k) => !p.themes.has(k));
    const extra = [...p.themes.keys()].filter((k) => !gold.has(k));
    const wrongSent = [...gold]
      .filter(([k, s]) => p.themes.has(k) && p.themes.get(k) !== s)
      .map(([k, s]) => `${k} ${p.themes.get(k)}≠${s}`);
    if (missed.length) problems.push(`missed ${missed.join(',')}`);
    if (extra.length) problems.push(`extra ${extra.join(',')}`);
    if (wrongSent.length) problems.push(`theme sentiment ${wrongSent.join(', ')}`);
    if (problems.length === 0) return;
    shown++;
    lines.push(`${it.id}: ${it.text.length > 160 ? `${it.text.slice(0, 157)}...` : it.text}`, `    ${problems.join(' · ')}`);
  });
  if (shown === 0) lines.push('(none)');
  console.log(lines.join('\n'));
}

/** Machine-readable results: the metrics without the raw predictions. */
export function toJson(run: RunSummary): unknown {
  return {
    engine: run.engineName,
    taxonomy: { source: run.taxonomySource, themes: run.taxonomy?.themes.length ?? 0 },
    datasets: run.results.map(({ raw: _raw, ...rest }) => rest),
    targets: run.checks,
    pass: run.pass,
    notes: run.notes,
  };
}
