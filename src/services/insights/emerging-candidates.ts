/**
 * The candidates of `emergingThemes` from a sample of verbatims (newest first): near-duplicates are
 * collapsed first, so one text repeated (copy-pasted or templated answers, a customer submitting
 * twice, a bot) counts once and cannot make a theme on its own; then the distinct verbatims are
 * grouped into candidates, by embedding clusters when sentence vectors are given (the transformer
 * engine), else by the lexical discovery's phrase folding.
 */
import type { Taxonomy, ThemeCandidate } from '../../analysis/types.js';
import { yieldToEventLoop } from './concurrency.js';

export type EmergingMethod = 'LEXICAL' | 'EMBEDDING';

export interface EmergingCandidates {
  /** `exampleIndexes` point into the sample and name only distinct verbatims (the newest of each near-duplicate group). */
  candidates: ThemeCandidate[];
  /** Sample index of a distinct verbatim → sample indexes of its near-duplicates, newest first. */
  duplicates: Map<number, number[]>;
  method: EmergingMethod;
}

export async function emergingCandidates(
  texts: readonly string[],
  taxonomy: Taxonomy,
  options: { minCount: number; limit: number; examples: number },
  vectors: readonly Float32Array[] | null,
): Promise<EmergingCandidates> {
  // Loaded on first use: API processes that never ask for emerging themes never load the NLP engine.
  const engine = await import('../../analysis/index.js');
  const representativeOf = vectors ? engine.embeddingNearDuplicates(vectors) : engine.lexicalNearDuplicates(texts);
  const distinct: number[] = [];
  const duplicates = new Map<number, number[]>();
  representativeOf.forEach((r, i) => {
    if (r === i) distinct.push(i);
    else duplicates.set(r, [...(duplicates.get(r) ?? []), i]);
  });

  const discovery = new engine.ThemeDiscovery(engine.compileTaxonomy(taxonomy));
  for (let k = 0; k < distinct.length; k++) {
    discovery.add(texts[distinct[k]]);
    if (k % 50 === 49) await yieldToEventLoop();
  }
  const found = vectors
    ? engine.clusterCandidates(
        distinct.map((i) => vectors[i]),
        discovery.phrasesByDoc(),
        options,
      )
    : discovery.candidates(options);
  return {
    candidates: found.map((c) => ({ ...c, exampleIndexes: c.exampleIndexes.map((k) => distinct[k]) })),
    duplicates,
    method: vectors ? 'EMBEDDING' : 'LEXICAL',
  };
}
