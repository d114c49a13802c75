/**
 * The transformer engine as a column of `npm run eval`: the engine's own code path (lexical
 * analysis, embedding themes, the sentiment head blended in), with the embeddings read from the
 * on-disk cache (bench/lib/embedding-cache.ts) so the ~25,000 texts are embedded once per model.
 * Leave-one-corpus-out like the lexical engine: for a held-out group, both the head and the lexical
 * model are trained without it.
 */
import {
  analyze,
  aspectSentiments,
  compileTaxonomy,
  type AnalysisResult,
  type CompiledTaxonomy,
  type Taxonomy,
} from '../../src/analysis/index.js';
import {
  analyzeWithTransformer,
  createEmbeddingThemeMatcher,
  createTransformerBackend,
  loadSentimentHead,
  sentimentHeadFromData,
  type EmbeddingThemeMatcher,
  type SentimentHead,
  type TransformerBackend,
} from '../../src/analysis/backends/index.js';
import type { SentimentModel } from '../../src/analysis/sentiment/learned.js';
import { CLAUSE_EMBEDDING_MIN_CHARS, resolveEngine, type TransformerEngineOptions } from '../../src/services/pipeline/analysis-engine.js';
import { openEmbeddingCache } from './embedding-cache.js';
import type { EngineSpec } from './public-eval.js';
import { headExamples, trainHead, type HeadExample } from './train-head.js';
import { trainingTexts } from './training-data.js';

export interface TransformerEval {
  engine: EngineSpec;
  dispose(): Promise<void>;
}

/**
 * The transformer engine for the evaluation, or a reason it cannot run (model not installed).
 * `lexicalModelWithout` is the lexical engine's leave-one-out model, shared so it is trained once.
 */
export async function transformerEngine(
  options: TransformerEngineOptions,
  lexicalModelWithout: (group: string) => SentimentModel,
  log: (s: string) => void,
): Promise<TransformerEval | { skipped: string }> {
  const { engine, warning } = await resolveEngine('auto', options);
  if (engine !== 'transformer') return { skipped: warning ?? 'model not installed' };
  const shippedHead = await loadSentimentHead(options.sentimentHead);
  const model = await createTransformerBackend(options);
  const cache = await openEmbeddingCache(model, options, log);
  const backend: TransformerBackend = {
    embeddingModel: model.embeddingModel,
    embed: (texts) => cache.embed(texts),
    dispose: () => model.dispose(),
  };

  const { texts } = trainingTexts();
  log(`  transformer: embedding ${texts.length} training texts (cached in ${cache.file}) …`);
  await cache.embed(texts.map((t) => t.text));
  const examples: HeadExample[] = headExamples(texts, cache.get);

  const heads = new Map<string, SentimentHead>();
  const headWithout = (group: string): SentimentHead => {
    let head = heads.get(group);
    if (!head) {
      const started = Date.now();
      const data = trainHead(
        examples.filter((e) => e.group !== group),
        options.embeddingModel,
        shippedHead.lexicalWeight,
      );
      heads.set(group, (head = sentimentHeadFromData(data, `head without ${group}`)));
      log(`  trained the sentiment head without ${group} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    return head;
  };
  const compiled = new Map<Taxonomy, { taxonomy: CompiledTaxonomy; matcher: EmbeddingThemeMatcher }>();
  const compiledFor = (taxonomy: Taxonomy) => {
    let c = compiled.get(taxonomy);
    if (!c) compiled.set(taxonomy, (c = { taxonomy: compileTaxonomy(taxonomy), matcher: createEmbeddingThemeMatcher(taxonomy, backend) }));
    return c;
  };

  return {
    engine: {
      name: 'transformer',
      trainedOn: shippedHead.trainedOn,
      timed: false,
      analyzer(taxonomy, heldOut) {
        const { taxonomy: compiledTaxonomy, matcher } = compiledFor(taxonomy);
        const sentimentModel = heldOut ? lexicalModelWithout(heldOut) : undefined;
        const sentimentHead = heldOut ? headWithout(heldOut) : shippedHead;
        const lexical = (text: string, t: CompiledTaxonomy, o?: Parameters<typeof analyze>[2]): AnalysisResult =>
          analyze(text, t, { ...o, sentimentModel });
        // Clause vectors only place themes (the head reads the whole text's): with the one-theme
        // taxonomy of the sentiment rows they change nothing, so they are not computed there.
        const clauseEmbeddingMinChars = taxonomy.themes.length > 1 ? CLAUSE_EMBEDDING_MIN_CHARS : Infinity;
        return (text) =>
          analyzeWithTransformer(text, compiledTaxonomy, matcher, { analyze: lexical, sentimentHead, clauseEmbeddingMinChars });
      },
      async embedThemes(taxonomy, texts) {
        const vectors = await cache.embed(texts);
        return { vectors, similarities: await compiledFor(taxonomy).matcher.similaritiesOf(vectors) };
      },
      // A theme the engine finds takes its sentiment from the lexical aspect path with the head's
      // reading of the whole text and of the clauses naming it as priors (enrichWithTransformer's
      // reanalysis): so do these terms.
      aspects(heldOut) {
        const sentimentModel = heldOut ? lexicalModelWithout(heldOut) : undefined;
        const head = heldOut ? headWithout(heldOut) : shippedHead;
        const none = compileTaxonomy({ version: 1, themes: [{ key: 'none', label: 'none', keywords: ['zzzz'], examples: [] }] });
        return async (text, spans) => {
          const { clauses } = analyze(text, none, { sentimentModel });
          const named = clauses.map((c) => spans.some((s) => s.start < c.end && c.start < s.end));
          const vectors = await backend.embed([text, ...clauses.filter((_, i) => named[i]).map((c) => c.text)].map((t) => t.trim()));
          let next = 1;
          const lexicalWeight = head.lexicalWeight;
          return aspectSentiments(text, spans, {
            sentimentModel,
            textPrior: { probabilities: head.probabilities(vectors[0]), lexicalWeight },
            clausePriors: { probabilities: named.map((n) => (n ? head.probabilities(vectors[next++]) : null)), lexicalWeight },
          });
        };
      },
    },
    dispose: () => model.dispose(),
  };
}
