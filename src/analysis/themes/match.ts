/**
 * Finds which taxonomy themes each clause mentions: multi-word keywords (in order, or their
 * content words close together in any order), single keywords and their synonyms by stem, and
 * similarity to the themes' example phrases (IDF-weighted cosine over content stems).
 */
import type { Clause } from '../text/clauses.js';
import type { Token } from '../text/tokenize.js';
import { STOPWORDS } from '../text/vocabulary.js';
import type { CompiledTaxonomy, HitKind, PhraseEntry } from './compile.js';

export interface ThemeHit {
  theme: number;
  clause: number;
  /** Token range, end exclusive. */
  from: number;
  to: number;
  confidence: number;
  kind: HitKind;
  weak: boolean;
}

/** Confidence each kind of evidence gives on its own. */
const HIT_CONFIDENCE = {
  phrase: 0.85,
  phraseUnordered: 0.7,
  keyword: 0.75,
  weakKeyword: 0.55,
  synonym: 0.5,
} as const;
/** Minimum cosine similarity between a clause and an example phrase, and the words they must share. */
const EXAMPLE_MIN_SIMILARITY = 0.45;
const EXAMPLE_MIN_SHARED = 2;
/** A word used by at most this many themes counts as specific. */
const EXAMPLE_SPECIFIC_THEMES = 3;

const isContentToken = (t: Token): boolean => (t.kind === 'word' || t.kind === 'number') && !STOPWORDS.has(t.norm) && t.norm.length > 1;

/** Matches a phrase's stems in order from `start`, letting one extra word slip in between. */
function matchOrdered(tokens: readonly Token[], phrase: PhraseEntry, start: number, end: number): number {
  let i = start + 1;
  for (let k = 1; k < phrase.stems.length; k++) {
    const want = phrase.stems[k];
    if (i < end && tokens[i].stem === want) i++;
    else if (i + 1 < end && tokens[i].kind === 'word' && tokens[i + 1].stem === want) i += 2;
    else return -1;
  }
  return i;
}

function phraseHits(tokens: readonly Token[], clause: Clause, clauseIndex: number, tax: CompiledTaxonomy, out: ThemeHit[]): void {
  const seen = new Set<number>();
  const positions = new Map<string, number[]>();
  for (let i = clause.from; i < clause.to; i++) {
    const t = tokens[i];
    if (t.kind !== 'word' && t.kind !== 'number') continue;
    const list = positions.get(t.stem);
    if (list) list.push(i);
    else positions.set(t.stem, [i]);
  }
  for (const stem of positions.keys()) {
    const candidates = tax.phrases.get(stem);
    if (!candidates) continue;
    for (const phrase of candidates) {
      if (seen.has(phrase.id)) continue;
      seen.add(phrase.id);
      let matched = false;
      for (const start of positions.get(phrase.stems[0]) ?? []) {
        const end = matchOrdered(tokens, phrase, start, clause.to);
        if (end > 0) {
          out.push({
            theme: phrase.theme,
            clause: clauseIndex,
            from: start,
            to: end,
            confidence: HIT_CONFIDENCE.phrase,
            kind: 'phrase',
            weak: false,
          });
          matched = true;
          break;
        }
      }
      if (matched || phrase.contentStems.length < 2) continue;
      // Content words in any order within a short window: "delivery was late" ~ "late delivery".
      let lo = Infinity;
      let hi = -Infinity;
      let all = true;
      for (const s of phrase.contentStems) {
        const p = positions.get(s);
        if (!p) {
          all = false;
          break;
        }
        lo = Math.min(lo, p[0]);
        hi = Math.max(hi, p[0]);
      }
      if (all && hi - lo <= phrase.contentStems.length + 2) {
        out.push({
          theme: phrase.theme,
          clause: clauseIndex,
          from: lo,
          to: hi + 1,
          confidence: HIT_CONFIDENCE.phraseUnordered,
          kind: 'phrase',
          weak: false,
        });
      }
    }
  }
}

function exampleHits(tokens: readonly Token[], clause: Clause, clauseIndex: number, tax: CompiledTaxonomy, out: ThemeHit[]): void {
  if (tax.examples.length === 0) return;
  const stems = new Map<string, number>(); // content stem → first token index
  for (let i = clause.from; i < clause.to; i++) if (isContentToken(tokens[i]) && !stems.has(tokens[i].stem)) stems.set(tokens[i].stem, i);
  if (stems.size < EXAMPLE_MIN_SHARED) return;
  const dot = new Map<number, number>();
  const shared = new Map<number, number[]>();
  let clauseSq = 0;
  for (const [stem, index] of stems) {
    const postings = tax.exampleIndex.get(stem);
    const weight = postings ? postings[0].weight : tax.defaultIdf;
    clauseSq += weight * weight;
    if (!postings) continue;
    for (const { example, weight: w } of postings) {
      dot.set(example, (dot.get(example) ?? 0) + w * w);
      const list = shared.get(example);
      if (list) list.push(index);
      else shared.set(example, [index]);
    }
  }
  const clauseNorm = Math.sqrt(clauseSq);
  const best = new Map<number, ThemeHit>();
  for (const [example, d] of dot) {
    const at = shared.get(example) ?? [];
    if (at.length < EXAMPLE_MIN_SHARED) continue;
    // At least one shared word must be specific (used by few themes), not just "took … day".
    if (!at.some((i) => (tax.profile.get(tokens[i].stem)?.length ?? Infinity) <= EXAMPLE_SPECIFIC_THEMES)) continue;
    const entry = tax.examples[example];
    const similarity = d / (clauseNorm * entry.norm);
    if (similarity < EXAMPLE_MIN_SIMILARITY) continue;
    const confidence = Math.min(0.9, 0.3 + 0.6 * similarity);
    const previous = best.get(entry.theme);
    if (previous && previous.confidence >= confidence) continue;
    best.set(entry.theme, {
      theme: entry.theme,
      clause: clauseIndex,
      from: Math.min(...at),
      to: Math.max(...at) + 1,
      confidence,
      kind: 'example',
      weak: false,
    });
  }
  for (const hit of best.values()) out.push(hit);
}

/** How far (in tokens) a describing word reaches to the noun it describes. */
const DESCRIBES_WINDOW = 3;

/** True when a weak hit sits next to another theme's strong hit and none of its own theme's. */
function describesOtherTheme(weak: ThemeHit, clauseHits: readonly ThemeHit[]): boolean {
  let other = false;
  for (const h of clauseHits) {
    if (h === weak || h.weak) continue;
    const near = h.from - weak.to < DESCRIBES_WINDOW && weak.from - h.to < DESCRIBES_WINDOW;
    if (!near) continue;
    if (h.theme === weak.theme) return false;
    if (h.kind === 'phrase' && h.from <= weak.from && h.to >= weak.to) return true;
    other = true;
  }
  return other;
}

/** Minimum summed profile weight, and distinct stems, for a profile hit. */
const PROFILE_MIN_SCORE = 1.5;
const PROFILE_MIN_STEMS = 2;

/** Profile words only support each other this close together (in tokens). */
const PROFILE_WINDOW = 6;

function profileHits(tokens: readonly Token[], clause: Clause, clauseIndex: number, tax: CompiledTaxonomy, out: ThemeHit[]): void {
  const found = new Map<number, { at: number; stem: string; weight: number }[]>();
  for (let i = clause.from; i < clause.to; i++) {
    const t = tokens[i];
    if (!isContentToken(t)) continue;
    for (const { theme, weight } of tax.profile.get(t.stem) ?? []) {
      const list = found.get(theme);
      if (list) list.push({ at: i, stem: t.stem, weight });
      else found.set(theme, [{ at: i, stem: t.stem, weight }]);
    }
  }
  for (const [theme, list] of found) {
    if (list.length < PROFILE_MIN_STEMS) continue;
    // The best window of nearby words, each stem counted once.
    let best = { sum: 0, from: -1, to: -1 };
    for (let a = 0; a < list.length; a++) {
      const seen = new Set<string>();
      let sum = 0;
      for (let b = a; b < list.length && list[b].at - list[a].at < PROFILE_WINDOW; b++) {
        if (seen.has(list[b].stem)) continue;
        seen.add(list[b].stem);
        sum += list[b].weight;
        if (seen.size >= PROFILE_MIN_STEMS && sum > best.sum) best = { sum, from: list[a].at, to: list[b].at + 1 };
      }
    }
    if (best.sum < PROFILE_MIN_SCORE) continue;
    const confidence = Math.min(0.85, 0.35 + 0.2 * best.sum);
    out.push({ theme, clause: clauseIndex, from: best.from, to: best.to, confidence, kind: 'profile', weak: false });
  }
}

export function matchThemes(tokens: readonly Token[], clauses: readonly Clause[], tax: CompiledTaxonomy): ThemeHit[] {
  const hits: ThemeHit[] = [];
  clauses.forEach((clause, c) => {
    const clauseHits: ThemeHit[] = [];
    phraseHits(tokens, clause, c, tax, clauseHits);
    for (let i = clause.from; i < clause.to; i++) {
      const t = tokens[i];
      if (!isContentToken(t)) continue;
      const entries = tax.keywords.get(t.stem) ?? tax.synonyms.get(t.lemma);
      if (!entries) continue;
      // Stems collide across parts of speech ("manually" ~ "manual"): an adverb only matches describing words.
      if (t.pos === 'R' && !entries.some((e) => e.weak)) continue;
      for (const e of entries) {
        const confidence = e.kind === 'synonym' ? HIT_CONFIDENCE.synonym : e.weak ? HIT_CONFIDENCE.weakKeyword : HIT_CONFIDENCE.keyword;
        clauseHits.push({ theme: e.theme, clause: c, from: i, to: i + 1, confidence, kind: e.kind, weak: e.weak });
      }
    }
    exampleHits(tokens, clause, c, tax, clauseHits);
    profileHits(tokens, clause, c, tax, clauseHits);

    // A describing word belongs to the theme named beside it: "delivery was slow" is not about performance.
    for (const h of clauseHits) {
      if (h.weak && describesOtherTheme(h, clauseHits)) continue;
      hits.push(h);
    }
  });
  return hits;
}
