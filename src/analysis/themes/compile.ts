/**
 * Compiles a taxonomy into lookup tables once, so matching a verbatim is a handful of map
 * lookups: single-word keywords by stem (with WordNet synonyms at a lower weight), multi-word
 * keywords as stem sequences, and an inverted index over the example phrases for similarity.
 */
import synonymLines from '../data/synonyms.json' with { type: 'json' };
import type { Taxonomy } from '../types.js';
import { tokenize } from '../text/tokenize.js';
import { STOPWORDS, wordInfo } from '../text/vocabulary.js';
import { validateTaxonomy } from './validate.js';

export type HitKind = 'keyword' | 'phrase' | 'synonym' | 'example' | 'profile';

interface KeywordEntry {
  theme: number;
  /** Adjectives and adverbs ("slow", "friendly") describe whatever noun they go with, so they
   *  only count when no other theme is named in the same clause. */
  weak: boolean;
  kind: 'keyword' | 'synonym';
  source: string;
}

export interface PhraseEntry {
  id: number;
  theme: number;
  /** Stems of every word, stopwords included, in order. */
  stems: string[];
  /** Stems of the content words: the phrase also matches them in any order close together. */
  contentStems: string[];
  source: string;
}

interface ExampleEntry {
  theme: number;
  text: string;
  /** Content stem → IDF weight. */
  weights: ReadonlyMap<string, number>;
  norm: number;
}

export interface CompiledTheme {
  key: string;
  label: string;
  parent: string | null;
}

export interface CompiledTaxonomy {
  /** The validated taxonomy this was compiled from. */
  readonly source: Taxonomy;
  readonly themes: readonly CompiledTheme[];
  /** Single-word keywords by stem. */
  readonly keywords: ReadonlyMap<string, readonly KeywordEntry[]>;
  /** WordNet synonyms of single-word keywords, by lemma (stems of unrelated words collide too often). */
  readonly synonyms: ReadonlyMap<string, readonly KeywordEntry[]>;
  /** Multi-word keywords indexed by each of their content stems. */
  readonly phrases: ReadonlyMap<string, readonly PhraseEntry[]>;
  readonly examples: readonly ExampleEntry[];
  /** Example content stem → examples containing it, with the stem's weight. */
  readonly exampleIndex: ReadonlyMap<string, readonly { example: number; weight: number }[]>;
  /** IDF for stems absent from the examples (rare, so informative). */
  readonly defaultIdf: number;
  /** Every stem any theme uses: discovery skips phrases made only of these. */
  readonly coveredStems: ReadonlySet<string>;
  /**
   * Theme profiles: stem → the themes whose keywords or examples use it, with the stem's weight
   * for that theme (how specific it is to the theme). A clause that shares several specific stems
   * with one theme's vocabulary is about that theme even if no single example is close to it.
   */
  readonly profile: ReadonlyMap<string, readonly { theme: number; weight: number }[]>;
}

const SYNONYMS: ReadonlyMap<string, readonly string[]> = new Map(
  synonymLines.map((line) => {
    const [word, ...rest] = line.split(' ');
    return [word, rest] as const;
  }),
);

/** Words too vague to stand for a theme on their own even if a taxonomy lists them. */
const TOO_GENERIC = new Set([
  'thing',
  'stuff',
  'time',
  'way',
  'day',
  'people',
  'one',
  'lot',
  'kind',
  'good',
  'bad',
  'great',
  'nice',
  'work',
]);

interface WordForm {
  norm: string;
  stem: string;
  pos: string;
}

function words(text: string): WordForm[] {
  return tokenize(text)
    .filter((t) => t.kind === 'word' || t.kind === 'number')
    .map((t) => ({ norm: t.norm, stem: t.stem, pos: t.pos }));
}

const isContent = (w: WordForm): boolean => !STOPWORDS.has(w.norm) && w.norm.length > 1;

export function compileTaxonomy(taxonomy: Taxonomy): CompiledTaxonomy {
  const source = validateTaxonomy(taxonomy);
  const themes: CompiledTheme[] = source.themes.map((t) => ({ key: t.key, label: t.label, parent: t.parent ?? null }));
  const keywords = new Map<string, KeywordEntry[]>();
  const synonyms = new Map<string, KeywordEntry[]>();
  const phrases = new Map<string, PhraseEntry[]>();
  const coveredStems = new Set<string>();
  const keywordStemThemes = new Map<string, Set<number>>();
  let phraseId = 0;

  const addKeyword = (stem: string, entry: KeywordEntry): void => {
    const list = keywords.get(stem) ?? [];
    if (!list.some((e) => e.theme === entry.theme)) keywords.set(stem, [...list, entry]);
  };

  source.themes.forEach((theme, t) => {
    for (const keyword of theme.keywords) {
      const forms = words(keyword);
      const content = forms.filter(isContent);
      if (content.length === 0 && forms.length < 2) continue;
      for (const c of content) coveredStems.add(c.stem);
      if (forms.length === 1) {
        const [w] = forms;
        if (TOO_GENERIC.has(w.norm)) continue;
        const weak = wordInfo(w.norm).pos === 'A' || wordInfo(w.norm).pos === 'R';
        addKeyword(w.stem, { theme: t, weak, kind: 'keyword', source: keyword });
        const themesOfStem = keywordStemThemes.get(w.stem) ?? new Set();
        keywordStemThemes.set(w.stem, themesOfStem.add(t));
      } else {
        const entry: PhraseEntry = {
          id: phraseId++,
          theme: t,
          stems: forms.map((f) => f.stem),
          contentStems: [...new Set(content.map((c) => c.stem))],
          source: keyword,
        };
        for (const stem of new Set(forms.map((f) => f.stem))) {
          const list = phrases.get(stem) ?? [];
          list.push(entry);
          phrases.set(stem, list);
        }
      }
    }
  });

  // WordNet synonyms of single-word keywords, unless the synonym already names some theme.
  source.themes.forEach((theme, t) => {
    for (const keyword of theme.keywords) {
      const forms = words(keyword);
      if (forms.length !== 1 || !isContent(forms[0])) continue;
      const lemma = wordInfo(forms[0].norm).lemma;
      for (const synonym of SYNONYMS.get(lemma) ?? []) {
        const info = wordInfo(synonym);
        if (STOPWORDS.has(synonym) || TOO_GENERIC.has(synonym) || keywordStemThemes.has(info.stem)) continue;
        const list = synonyms.get(info.lemma) ?? [];
        if (!list.some((e) => e.theme === t))
          synonyms.set(info.lemma, [...list, { theme: t, weak: true, kind: 'synonym', source: synonym }]);
      }
    }
  });

  // Examples (and descriptions count as one more example) for similarity matching, with IDF weights.
  const raw: { theme: number; text: string; stems: string[] }[] = [];
  source.themes.forEach((theme, t) => {
    for (const text of theme.examples) {
      const stems = [
        ...new Set(
          words(text)
            .filter(isContent)
            .map((w) => w.stem),
        ),
      ].filter((s) => !TOO_GENERIC.has(s));
      if (stems.length > 0) raw.push({ theme: t, text, stems });
    }
  });
  const df = new Map<string, number>();
  for (const e of raw) for (const s of e.stems) df.set(s, (df.get(s) ?? 0) + 1);
  const n = Math.max(raw.length, 1);
  const idf = (s: string): number => Math.log(1 + n / (df.get(s) ?? 0.5));
  const examples: ExampleEntry[] = raw.map((e) => {
    const weights = new Map(e.stems.map((s) => [s, idf(s)] as const));
    let sq = 0;
    for (const w of weights.values()) sq += w * w;
    return { theme: e.theme, text: e.text, weights, norm: Math.sqrt(sq) };
  });
  const exampleIndex = new Map<string, { example: number; weight: number }[]>();
  examples.forEach((e, i) => {
    for (const [stem, weight] of e.weights) {
      const list = exampleIndex.get(stem) ?? [];
      list.push({ example: i, weight });
      exampleIndex.set(stem, list);
    }
  });

  // Profiles: a stem's weight for a theme is its specificity across themes (inverse theme
  // frequency) times how often the theme's own entries use it (capped, so one theme's favourite
  // word does not decide alone).
  const themeUses = new Map<string, Map<number, number>>();
  const countUse = (stem: string, theme: number): void => {
    if (STOPWORDS.has(stem) || TOO_GENERIC.has(stem) || stem.length < 2) return;
    const byTheme = themeUses.get(stem) ?? new Map<number, number>();
    byTheme.set(theme, (byTheme.get(theme) ?? 0) + 1);
    themeUses.set(stem, byTheme);
  };
  for (const e of raw) for (const stem of e.stems) countUse(stem, e.theme);
  source.themes.forEach((theme, t) => {
    for (const keyword of theme.keywords)
      for (const stem of new Set(
        words(keyword)
          .filter(isContent)
          .map((w) => w.stem),
      ))
        countUse(stem, t);
  });
  const themeCount = Math.max(source.themes.length, 1);
  const profile = new Map<string, { theme: number; weight: number }[]>();
  for (const [stem, byTheme] of themeUses) {
    const specificity = Math.log(1 + themeCount / byTheme.size) / Math.log(1 + themeCount);
    profile.set(
      stem,
      [...byTheme].map(([theme, uses]) => ({ theme, weight: specificity * Math.min(1, 0.5 + 0.25 * uses) })),
    );
  }

  return deepFreeze({
    source,
    themes,
    keywords,
    synonyms,
    phrases,
    examples,
    exampleIndex,
    defaultIdf: Math.log(1 + n / 0.5),
    coveredStems,
    profile,
  });
}

/** The compiled taxonomy is shared by every call: freezing it makes accidental mutation throw. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (value instanceof Map) for (const v of value.values()) deepFreeze(v);
    else if (value instanceof Set) return value;
    else for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
