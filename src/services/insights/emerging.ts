/**
 * Emerging themes: candidate themes the engine finds in a bounded sample of recent verbatims that
 * the taxonomy does not cover, each turned into a ready-to-accept theme definition.
 *
 * The definition goes into the global taxonomy, which every key reads, so it carries no verbatim:
 * its examples are short phrases that several different responses share word for word, built only
 * from plain lower-case words (no digits, e-mail addresses, links or capitalised names).
 */
import type { Taxonomy, ThemeCandidate } from '../../analysis/types.js';

export interface ThemeSuggestion {
  key: string;
  label: string;
  description: string;
  keywords: string[];
  examples: string[];
}

const MAX_KEY = 64;
const MAX_KEYWORDS = 10;
const MAX_EXAMPLES = 3;
/** Distinct responses that must share a phrase before it may serve as an example. */
const MIN_SHARED_RESPONSES = 3;
/** Words in an example phrase. */
const MIN_WORDS = 2;
const MAX_WORDS = 6;

/** snake_case key for a phrase, not colliding with existing keys. */
export function suggestKey(phrase: string, taken: ReadonlySet<string>): string {
  let base = phrase
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_KEY - 3);
  if (!/^[a-z]/.test(base)) base = `theme_${base}`.slice(0, MAX_KEY - 3).replace(/_+$/, '');
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base}_${i}`;
  return key;
}

function suggestLabel(phrase: string): string {
  const text = phrase.trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function suggestTheme(
  candidate: ThemeCandidate,
  sampled: number,
  mentioningTexts: string[],
  taken: ReadonlySet<string>,
): ThemeSuggestion {
  const keywords: string[] = [];
  for (const k of [candidate.phrase, ...candidate.relatedPhrases]) {
    const kw = k.trim().toLowerCase();
    if (kw && plainPhrase(kw) && !keywords.includes(kw) && keywords.length < MAX_KEYWORDS) keywords.push(kw);
  }
  return {
    key: suggestKey(candidate.phrase, taken),
    label: suggestLabel(candidate.phrase),
    description: `Customers mention "${candidate.phrase}" (found in ${candidate.count} of ${sampled} recent verbatims not covered by the taxonomy).`,
    keywords,
    examples: sharedPhrases(mentioningTexts, keywords),
  };
}

/** Only lower-case words, spaces, hyphens and apostrophes: nothing that could be a number, an address or a name. */
function plainPhrase(phrase: string): boolean {
  return /^\p{Ll}[\p{Ll}\p{M}' -]*$/u.test(phrase);
}

/**
 * Anonymised example phrases for a theme: word runs of 2–6 words that contain a keyword word and
 * occur, word for word, in at least `minShared` different texts; longest first, at most three, none
 * inside another. A run breaks at punctuation and at any word that is not plain lower case after the
 * sentence start (digits, e-mail addresses, links, capitalised names), so such words never appear.
 */
export function sharedPhrases(texts: readonly string[], keywords: readonly string[], minShared = MIN_SHARED_RESPONSES): string[] {
  const themeWords = new Set(keywords.flatMap((k) => k.split(/[\s-]+/)).filter(Boolean));
  const sharedBy = new Map<string, Set<number>>();
  texts.forEach((text, doc) => {
    for (const run of plainRuns(text)) {
      for (let n = MIN_WORDS; n <= Math.min(MAX_WORDS, run.length); n++) {
        for (let i = 0; i + n <= run.length; i++) {
          const words = run.slice(i, i + n);
          if (!words.some((w) => themeWords.has(w))) continue;
          const phrase = words.join(' ');
          const docs = sharedBy.get(phrase) ?? new Set<number>();
          docs.add(doc);
          sharedBy.set(phrase, docs);
        }
      }
    }
  });
  const ranked = [...sharedBy]
    .filter(([, docs]) => docs.size >= Math.max(2, minShared))
    .map(([phrase, docs]) => ({ phrase, words: phrase.split(' ').length, count: docs.size }))
    .sort((a, b) => b.words - a.words || b.count - a.count || a.phrase.localeCompare(b.phrase));
  const picked: string[] = [];
  for (const { phrase } of ranked) {
    if (picked.length >= MAX_EXAMPLES) break;
    if (picked.some((p) => ` ${p} `.includes(` ${phrase} `))) continue;
    picked.push(phrase);
  }
  return picked;
}

/** Runs of plain words of a text, lower-cased; see `sharedPhrases` for what breaks a run. */
function plainRuns(text: string): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  let sentenceStart = true;
  const end = () => {
    if (run.length) runs.push(run);
    run = [];
  };
  for (const raw of text.split(/\s+/)) {
    if (!raw) continue;
    const lead = /^[^\p{L}\p{N}]+/u.exec(raw)?.[0] ?? '';
    const trail = /[^\p{L}\p{N}]+$/u.exec(raw)?.[0] ?? '';
    const word = raw.slice(lead.length, raw.length - trail.length);
    if (lead) end();
    const capitalised = /^\p{Lu}/u.test(word);
    // Letters only (any script), lower case, or capitalised as a sentence's first word.
    const plain =
      /^[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*$/u.test(word) &&
      (!capitalised || sentenceStart) &&
      /^[\p{Lu}\p{Ll}][\p{Ll}\p{M}'’-]*$/u.test(word);
    if (plain) run.push(word.toLowerCase().replace(/’/g, "'"));
    else end();
    if (trail) end();
    sentenceStart = /[.!?]/.test(trail);
  }
  end();
  return runs;
}

export async function defaultTaxonomy(): Promise<Taxonomy> {
  return (await import('../../analysis/index.js')).defaultTaxonomy;
}
