/**
 * Terminal rendering and target checks of the public-corpora evaluation.
 */
import type { TargetCheck } from './evaluate.js';
import { ASPECT_CLASSES, ASPECT_TARGET, SENTIMENT_TARGET_POINTS, type PublicEvalResult } from './public-eval.js';
import { pct, renderTable } from './table.js';

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

export function printPublicReport(r: PublicEvalResult): void {
  const out: string[] = [];
  const engines = r.sentiment[0]?.engines.map((e) => e.name) ?? [];
  out.push('PUBLIC CORPORA — text nobody in the project wrote. Scores in %.');
  out.push('SENTIMENT macro-F1. "held out": a model trained on every corpus except this one (out-of-domain);');
  out.push('"shipped": the committed model, trained on all corpora (in-domain where marked *). Margin: held out − better of AFINN/VADER.');
  out.push('2-class corpora are scored on positive/negative (a neutral answer is wrong for every system); star ratings: 4–5 / 3 / 1–2.');
  out.push(
    renderTable(
      ['corpus', 'n', 'classes', 'AFINN', 'VADER', ...engines.flatMap((e) => [`${e} held out`, 'margin', `${e} shipped`])],
      r.sentiment.map((row) => [
        row.corpus,
        String(row.n),
        String(row.classes),
        pct(row.afinn),
        pct(row.vader),
        ...row.engines.flatMap((e) => [
          pct(e.outOfDomain),
          signed(e.marginOutOfDomain),
          `${pct(e.shipped)}${e.shippedInDomain ? '*' : ''}`,
        ]),
      ]),
    ),
  );
  if (r.themes) {
    out.push(
      '',
      'THEMES  BANKING77 test split, 14 themes from bench/data/corpora/banking77-taxonomy.json (zero-shot, one gold theme per text)',
    );
    if (r.themes.some((t) => t.system.startsWith('neighbour vote')))
      out.push(
        '"neighbour vote": not an engine; the transformer\'s embeddings, each message given the zero-shot themes of its k most similar unlabelled train messages (docs/quality.md).',
      );
    out.push(
      renderTable(
        ['system', 'micro P', 'R', 'F1', 'top-1 acc', 'verbatims/s'],
        r.themes.map((t) => [
          t.system,
          pct(t.precision),
          pct(t.recall),
          pct(t.microF1),
          pct(t.top1),
          Number.isFinite(t.perSecond) ? t.perSecond.toFixed(0) : '— (cached)',
        ]),
      ),
    );
  }
  if (r.aspects) {
    out.push('', 'ASPECT-TERM POLARITY  SemEval-2014 laptops (3 classes, conflict terms left out), accuracy');
    out.push('"scored half": the seeded half of the sentences no aspect-sentiment choice was made on; "all": both halves.');
    out.push(
      renderTable(
        ['system', 'terms', 'scored half', 'all terms', 'accuracy (all)', 'how'],
        r.aspects.map((a) => [a.system, String(a.n), pct(a.accuracy), String(a.nAll), pct(a.accuracyAll), a.note]),
      ),
    );
    for (const a of r.aspects) {
      if (!a.confusion) continue;
      out.push(`  ${a.system}, scored half (rows gold, columns predicted):`);
      out.push(
        renderTable(
          ['gold \\ pred', ...ASPECT_CLASSES],
          a.confusion.map((counts, i) => [ASPECT_CLASSES[i], ...counts.map(String)]),
        ),
      );
    }
  }
  out.push('', 'THROUGHPUT over all sentiment texts above (shipped engine, one process)');
  out.push(
    renderTable(
      ['system', 'verbatims/s'],
      r.throughput.map((t) => [t.system, t.perSecond.toFixed(0)]),
    ),
  );
  for (const m of r.missing) out.push(`  note: not found, skipped: ${m}`);
  for (const c of publicTargetChecks(r)) {
    out.push(
      `  target ${c.target} on ${c.dataset}: ${c.value === null ? '—' : c.value.toFixed(1)} (${c.required}) ${c.pass ? 'PASS' : 'MISS'}`,
    );
  }
  console.log(out.join('\n'));
}

/** The public targets, judged on out-of-domain figures only. */
export function publicTargetChecks(r: PublicEvalResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const row of r.sentiment) {
    for (const e of row.engines) {
      checks.push({
        target: `${e.name} sentiment macro-F1 margin, held out (pts)`,
        dataset: row.corpus,
        value: e.marginOutOfDomain,
        required: `>= +${SENTIMENT_TARGET_POINTS}`,
        pass: e.marginOutOfDomain >= SENTIMENT_TARGET_POINTS,
      });
    }
  }
  for (const a of r.aspects ?? []) {
    if (!a.system.includes('never saw') || !a.confusion) continue;
    checks.push({
      target: `${a.system} aspect polarity accuracy, scored half (%)`,
      dataset: 'laptops',
      value: 100 * a.accuracy,
      required: `>= ${100 * ASPECT_TARGET}`,
      pass: a.accuracy >= ASPECT_TARGET,
    });
  }
  return checks;
}
