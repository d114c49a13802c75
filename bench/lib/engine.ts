/**
 * Loads the analysis engine lazily so the baselines still run (and say why) when the engine is missing
 * or fails to load.
 */
import type { AnalysisResult, Taxonomy } from '../../src/analysis/types.js';

/** The part of the engine's public API the evaluation uses. */
interface EngineApi {
  defaultTaxonomy: Taxonomy;
  compileTaxonomy(taxonomy: Taxonomy): unknown;
  analyze(text: string, compiled: never): AnalysisResult;
}

interface Engine {
  defaultTaxonomy: Taxonomy;
  /** Analyses with the taxonomy compiled once. */
  analyzer(taxonomy: Taxonomy): (text: string) => AnalysisResult;
}

export type EngineLoad = { ok: true; engine: Engine } | { ok: false; reason: string };

export async function loadEngine(): Promise<EngineLoad> {
  let mod: Partial<EngineApi>;
  try {
    mod = await import('../../src/analysis/index.js');
  } catch (err) {
    return { ok: false, reason: `cannot load src/analysis/index.ts: ${(err as Error).message.split('\n')[0]}` };
  }
  const { defaultTaxonomy, compileTaxonomy, analyze } = mod;
  if (typeof compileTaxonomy !== 'function' || typeof analyze !== 'function' || !defaultTaxonomy) {
    return { ok: false, reason: 'src/analysis/index.ts does not export compileTaxonomy, analyze and defaultTaxonomy' };
  }
  return {
    ok: true,
    engine: {
      defaultTaxonomy,
      analyzer(taxonomy) {
        const compiled = compileTaxonomy(taxonomy) as never;
        return (text) => analyze(text, compiled);
      },
    },
  };
}
