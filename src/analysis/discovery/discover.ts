/**
 * Theme discovery: recurring key phrases that no taxonomy theme covers, folded into candidate
 * themes ("dark mode", "dark mode option", "dark theme" → one candidate), with how many verbatims
 * mention them and examples, so a product team can extend its taxonomy.
 */
import type { ThemeCandidate } from '../types.js';
import type { CompiledTaxonomy } from '../themes/compile.js';
import { analyze } from '../analyze.js';
import { tokenize } from '../text/tokenize.js';
import { STOPWORDS } from '../text/vocabulary.js';

export interface DiscoverOptions {
  /** Minimum number of verbatims a candidate must appear in (default 3). */
  minCount?: number;
  /** Maximum number of candidates returned (default 20). */
  limit?: number;
  /** Example verbatims kept per candidate (default 3). */
  examples?: number;
}

interface PhraseStats {
  phrase: string;
  stems: string[];
  docs: number[];
}

function contentStems(phrase: string): string[] {
  return tokenize(phrase)
    .filter((t) => t.kind === 'word' && !STOPWORDS.has(t.norm))
    .map((t) => t.stem);
}

/** Phrases covered by the taxonomy: every content word is already a theme word. */
function covered(stems: readonly string[], taxonomy: CompiledTaxonomy): boolean {
  return stems.length > 0 && stems.every((s) => taxonomy.coveredStems.has(s));
}

/** Phrases considered for clustering: the most frequent ones (bounds the work on huge inputs). */
const MAX_CLUSTERED_PHRASES = 5000;

/**
 * Incremental discovery, for inputs too large to hold in memory: add verbatims one by one
 * (their position is their index), then ask for the candidates.
 */
export class ThemeDiscovery {
  private readonly stats = new Map<string, PhraseStats>();
  private next = 0;

  constructor(private readonly taxonomy: CompiledTaxonomy) {}

  /** Adds the next verbatim; returns its index. */
  add(text: string): number {
    const doc = this.next++;
    if (typeof text !== 'string') return doc;
    const result = analyze(text, this.taxonomy);
    if (!result.language.supported) return doc;
    const themeWords = new Set(result.themes.flatMap((t) => t.evidence.map((e) => e.text.toLowerCase())));
    for (const phrase of result.keyPhrases) {
      if (themeWords.has(phrase)) continue;
      let entry = this.stats.get(phrase);
      if (!entry) {
        const stems = contentStems(phrase);
        if (stems.length === 0 || covered(stems, this.taxonomy)) continue;
        entry = { phrase, stems, docs: [] };
        this.stats.set(phrase, entry);
      }
      if (entry.docs[entry.docs.length - 1] !== doc) entry.docs.push(doc);
    }
    return doc;
  }

  /** The uncovered key phrases of each verbatim added so far, by index (for grouping them another way). */
  phrasesByDoc(): string[][] {
    const out: string[][] = Array.from({ length: this.next }, () => []);
    for (const s of this.stats.values()) for (const d of s.docs) out[d].push(s.phrase);
    return out;
  }

  candidates(options: DiscoverOptions = {}): ThemeCandidate[] {
    const minCount = Math.max(1, Math.floor(options.minCount ?? 3));
    const limit = Math.max(1, Math.floor(options.limit ?? 20));
    const exampleCount = Math.max(1, Math.floor(options.examples ?? 3));

    // Fold phrases into clusters, most frequent first: a phrase joins the first cluster whose head
    // phrase has the same head noun and shares a modifier, or contains all its words (or vice versa).
    const phrases = [...this.stats.values()]
      .sort((a, b) => b.docs.length - a.docs.length || a.phrase.localeCompare(b.phrase))
      .slice(0, MAX_CLUSTERED_PHRASES);
    const clusters: Cluster[] = [];
    const byStem = new Map<string, Cluster[]>();
    for (const p of phrases) {
      const candidates = new Set<Cluster>();
      for (const s of p.stems) for (const c of byStem.get(s) ?? []) candidates.add(c);
      const home = [...candidates].sort((a, b) => a.order - b.order).find((c) => related(c.head.stems, p.stems));
      if (home) {
        home.members.push(p);
        for (const d of p.docs) home.docs.add(d);
        continue;
      }
      const cluster: Cluster = { order: clusters.length, head: p, members: [], docs: new Set(p.docs) };
      clusters.push(cluster);
      for (const s of new Set(p.stems)) {
        const list = byStem.get(s) ?? [];
        list.push(cluster);
        byStem.set(s, list);
      }
    }

    return clusters
      .filter((c) => c.docs.size >= minCount)
      .sort((a, b) => b.docs.size - a.docs.size || a.head.phrase.localeCompare(b.head.phrase))
      .slice(0, limit)
      .map((c) => ({
        phrase: c.head.phrase,
        count: c.docs.size,
        relatedPhrases: c.members.map((m) => m.phrase).slice(0, 10),
        exampleIndexes: [...c.docs].sort((a, b) => a - b).slice(0, exampleCount),
      }));
  }
}

interface Cluster {
  order: number;
  head: PhraseStats;
  members: PhraseStats[];
  docs: Set<number>;
}

function related(head: readonly string[], stems: readonly string[]): boolean {
  const headNoun = head[head.length - 1];
  if (
    stems[stems.length - 1] === headNoun &&
    (head.length === 1 || stems.length === 1 || head.some((s) => s !== headNoun && stems.includes(s)))
  ) {
    return true;
  }
  return stems.every((s) => head.includes(s)) || head.every((s) => stems.includes(s));
}

export function discoverThemes(texts: readonly string[], taxonomy: CompiledTaxonomy, options: DiscoverOptions = {}): ThemeCandidate[] {
  const discovery = new ThemeDiscovery(taxonomy);
  for (const text of texts) discovery.add(text);
  return discovery.candidates(options);
}
