import { describe, expect, it } from 'vitest';
import { analyze, DEFAULT_MAX_CHARS, type AnalysisResult } from '../../../src/analysis/index.js';
import { run, taxonomy } from './helpers.js';
import { prng } from '../../../src/domain/prng.js';

const ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ .,;:!?!!...\'"’-()<>/&#@%$£€0123456789\n\t',
  '😀',
  '👍🏽',
  '❤️',
  '🙃',
  '\u200d',
  '\ufeff',
  '\u0000',
  '\u0007',
  '\u001b',
  '\ud800',
  '\udc00',
  'é',
  'ß',
  'ñ',
  '中',
  'я',
  'ا',
  '\u0301',
  ' not ',
  ' but ',
  ' great ',
  ' cancel ',
  ' never ',
  ' support ',
  ' slow ',
  ' delivery ',
  ' refund ',
  '<b>',
  '</p>',
  '&amp;',
  '&#x1F600;',
  ':)',
  ':(',
];

function randomText(rand: () => number, maxLength: number): string {
  const n = Math.floor(rand() * maxLength);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

/** Invariants every result must satisfy, whatever the input. */
function checkWellFormed(text: string, r: AnalysisResult): void {
  const analysed = text.slice(0, DEFAULT_MAX_CHARS + 1);
  expect(['positive', 'neutral', 'negative']).toContain(r.sentiment.label);
  expect(Number.isFinite(r.sentiment.score)).toBe(true);
  expect(Math.abs(r.sentiment.score)).toBeLessThanOrEqual(1);
  expect(r.sentiment.confidence).toBeGreaterThanOrEqual(0);
  expect(r.sentiment.confidence).toBeLessThanOrEqual(1);
  const spans = [...r.clauses, ...r.themes.flatMap((t) => t.evidence), ...r.churnSignals.map((c) => c.evidence)];
  for (const s of spans) {
    expect(s.start).toBeGreaterThanOrEqual(0);
    expect(s.end).toBeGreaterThanOrEqual(s.start);
    expect(s.end).toBeLessThanOrEqual(analysed.length);
    expect(s.text).toBe(
      analysed.slice(s.start, s.end).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
    );
  }
  for (const t of r.themes) expect(t.confidence).toBeLessThanOrEqual(1);
  expect(() => JSON.stringify(r)).not.toThrow();
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

describe('bad input never crashes the engine', () => {
  it.each([
    ['empty', ''],
    ['whitespace', '   \n\t  \n'],
    ['emoji only', '😀😀👍'],
    ['punctuation only', '!!!???...'],
    ['HTML', '<p>The <b>support</b> was <i>great</i> &amp; fast!</p><script>alert("x")</script>'],
    ['control characters', 'bad\u0000 service\u0007 really\u001b bad'],
    ['lone surrogates', 'broken \ud800 text \udc00 here'],
    ['other scripts', '服务很差 Обслуживание ужасное الخدمة سيئة'],
    ['a URL and an email', 'see https://example.com/a:b?c=d or mail me@example.com :)'],
    ['numbers', '10/10 would buy again 100%'],
  ])('%s', (_name, text) => {
    const r = run(text);
    checkWellFormed(text, r);
    expect(r.truncated).toBe(false);
  });

  it('analyses HTML as its text', () => {
    const r = run('<div>The delivery was <b>terrible</b></div>');
    expect(r.sentiment.label).toBe('negative');
    expect(r.themes.map((t) => t.key)).toContain('delivery');
  });

  it('bounds long input and says so', () => {
    const text = 'The delivery was late and support was rude. '.repeat(2500); // ~110 KB
    const started = performance.now();
    const r = run(text);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(r.truncated).toBe(true);
    checkWellFormed(text, r);
    for (const c of r.clauses) expect(c.end).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(analyze(text, taxonomy, { maxChars: 100 }).clauses.at(-1)!.end).toBeLessThanOrEqual(100);
  });

  it('does not split a surrogate pair at the bound', () => {
    const text = `${'a'.repeat(99)}😀 tail`;
    const r = analyze(text, taxonomy, { maxChars: 100 });
    expect(r.truncated).toBe(true);
    checkWellFormed(text.slice(0, 100), { ...r });
  });

  it('tolerates non-string input from untyped callers', () => {
    for (const bad of [undefined, null, 42, {}]) checkWellFormed('', analyze(bad as string, taxonomy));
  });

  it('holds its invariants over random strings (property test)', { timeout: 30_000 }, () => {
    const rand = prng(20261122);
    for (let i = 0; i < 1500; i++) {
      const text = randomText(rand, i % 50 === 0 ? 6000 : 120);
      let r: AnalysisResult;
      try {
        r = run(text);
      } catch (err) {
        throw new Error(`case ${i} threw on ${JSON.stringify(text)}: ${String(err)}`, { cause: err });
      }
      checkWellFormed(text, r);
    }
  });
});

describe('determinism', () => {
  it('gives the same output for the same input, whatever ran before', () => {
    const texts = ['The app is great but support never answers.', 'We will cancel!!! 😡', 'ok', ''];
    const first = texts.map(run);
    run('something else entirely: the staff were rude and the invoice was wrong');
    expect(texts.map(run)).toEqual(first);
    expect(texts.map(run)).toEqual([...texts].reverse().map(run).reverse());
  });

  it('reports its engine version', () => {
    expect(run('fine').engine).toBe('lexical@1');
  });
});
