/**
 * Emerging themes: candidate themes the engine finds in a bounded sample of recent verbatims that
 * the taxonomy does not cover, each turned into a ready-to-accept theme definition.
 */
import type { Taxonomy, ThemeCandidate } from '../../analysis/types.js';
import { yieldToEventLoop } from './concurrency.js';

export interface ThemeSuggestion {
  key: string;
  label: string;
  description: string;
  keywords: string[];
  examples: string[];
}

const MAX_KEY = 64;
const MAX_KEYWORDS = 10;
const MAX_EXAMPLE = 500;

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

export function suggestLabel(phrase: string): string {
  const text = phrase.trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function suggestTheme(candidate: ThemeCandidate, sampled: number, exampleTexts: string[], taken: ReadonlySet<string>): ThemeSuggestion {
  const keywords: string[] = [];
  for (const k of [candidate.phrase, ...candidate.relatedPhrases]) {
    const kw = k.trim().toLowerCase();
    if (kw && !keywords.includes(kw) && keywords.length < MAX_KEYWORDS) keywords.push(kw);
  }
  return {
    key: suggestKey(candidate.phrase, taken),
    label: suggestLabel(candidate.phrase),
    description: `Customers mention "${candidate.phrase}" (found in ${candidate.count} of ${sampled} recent verbatims not covered by the taxonomy).`,
    keywords,
    examples: exampleTexts.map((t) => (t.length > MAX_EXAMPLE ? `${t.slice(0, MAX_EXAMPLE - 1)}…` : t)).slice(0, 3),
  };
}

/** Runs the engine's discovery over the texts, yielding to the event loop so the API keeps answering. */
export async function discoverCandidates(
  texts: readonly string[],
  taxonomy: Taxonomy,
  options: { minCount: number; limit: number; examples: number },
): Promise<ThemeCandidate[]> {
  // Loaded on first use: API processes that never ask for emerging themes never load the NLP engine.
  const engine = await import('../../analysis/index.js');
  const discovery = new engine.ThemeDiscovery(engine.compileTaxonomy(taxonomy));
  for (let i = 0; i < texts.length; i++) {
    discovery.add(texts[i]);
    if (i % 50 === 49) await yieldToEventLoop();
  }
  return discovery.candidates(options);
}

export async function defaultTaxonomy(): Promise<Taxonomy> {
  return (await import('../../analysis/index.js')).defaultTaxonomy;
}
