/**
 * Runs the transformer models over a text the lexical engine has analysed and
 * merges what they find: embedding-matched themes, and the sentiment model's
 * sentiment when one is configured.
 */
import type { AnalysisResult } from '../types.js';
import type { EmbeddingThemeMatcher } from './embedding-theme-matcher.js';
import { applyModelSentiment, mergeEmbeddingThemes } from './merge-transformer-results.js';
import type { SentimentHead } from './sentiment-head.js';

/** The head's class probabilities as priors for the lexical analysis (see AnalyzeOptions). */
export interface HeadPriors {
  textPrior: { probabilities: Float64Array; lexicalWeight: number };
  clausePriors: { probabilities: (Float64Array | null)[]; lexicalWeight: number };
}

/** The sentiment head and a way to re-run the lexical analysis with its probabilities as priors. */
interface HeadSentiment {
  head: SentimentHead;
  reanalyze(priors: HeadPriors): AnalysisResult;
}

export interface TransformerAnalysisOptions {
  /** Use the backend's sentiment model when it has one (default true). */
  useSentimentModel?: boolean;
  /** Classify each clause too, so theme sentiment comes from the model (default true). */
  classifyClauses?: boolean;
  /**
   * Texts shorter than this many characters are embedded whole, not clause by clause (default 0:
   * every clause too). The model's cost grows with every input: a short verbatim is mostly about
   * one thing, while a long one can name a theme in one clause only.
   */
  clauseEmbeddingMinChars?: number;
  /** The text's sentiment from the embedding head, blended with the lexical engine's (unset: lexical only). */
  headSentiment?: HeadSentiment;
}

/**
 * The whole text and each clause (when wanted; else only the clauses a lexical theme is named in),
 * deduplicated so a one-clause text is embedded once. Clause indexes are -1 for clauses not embedded.
 */
function uniqueInputs(
  text: string,
  lexical: AnalysisResult,
  withClauses: boolean,
): { inputs: string[]; textIndex: number; clauseIndexes: number[] } {
  const inputs: string[] = [];
  const indexOf = new Map<string, number>();
  const add = (t: string) => {
    const key = t.trim();
    let i = indexOf.get(key);
    if (i === undefined) {
      i = inputs.push(key) - 1;
      indexOf.set(key, i);
    }
    return i;
  };
  const textIndex = add(text);
  const named = (c: AnalysisResult['clauses'][number]) =>
    lexical.themes.some((t) => t.evidence.some((e) => e.start < c.end && c.start < e.end));
  const clauseIndexes = lexical.clauses.map((c) => (withClauses || named(c) ? add(c.text) : -1));
  return { inputs, textIndex, clauseIndexes };
}

export async function enrichWithTransformer(
  text: string,
  lexical: AnalysisResult,
  matcher: EmbeddingThemeMatcher,
  options: TransformerAnalysisOptions = {},
): Promise<AnalysisResult> {
  // Other languages are flagged, not guessed at; empty texts have nothing to match.
  if (!lexical.language.supported || text.trim() === '') return lexical;

  const classify = options.useSentimentModel !== false ? matcher.backend.classifySentiment : undefined;
  const classifyClauses = classify !== undefined && options.classifyClauses !== false;
  const embedClauses = classifyClauses || text.length >= (options.clauseEmbeddingMinChars ?? 0);
  const head = options.headSentiment;
  // The clauses a lexical theme is named in are embedded even in a text embedded whole: the head
  // reads them (aspect sentiment) and the theme is judged there rather than against the whole text.
  const { inputs, textIndex, clauseIndexes } = uniqueInputs(text, lexical, embedClauses);
  const sentimentInputs = classifyClauses ? inputs : [inputs[textIndex]];

  const [vectors, sentiments] = await Promise.all([
    matcher.backend.embed(inputs),
    classify ? classify(sentimentInputs) : Promise.resolve(undefined),
  ]);
  const similarities = await matcher.similaritiesOf(vectors);

  const lexicalWeight = head?.head.lexicalWeight ?? 0;
  const base = head
    ? head.reanalyze({
        textPrior: { probabilities: head.head.probabilities(vectors[textIndex]), lexicalWeight },
        clausePriors: { probabilities: clauseIndexes.map((i) => (i >= 0 ? head.head.probabilities(vectors[i]) : null)), lexicalWeight },
      })
    : lexical;
  // Only clauses embedded for themes as well as sentiment place embedding-only themes.
  const placed = embedClauses ? clauseIndexes : [];
  let result = mergeEmbeddingThemes(base, {
    text,
    themes: matcher.themes,
    textSimilarities: similarities[textIndex],
    clauseSimilarities: placed.map((i) => similarities[i]),
    namedClauseSimilarities: embedClauses ? undefined : clauseIndexes.map((i) => (i >= 0 ? similarities[i] : null)),
    threshold: matcher.threshold,
    margin: matcher.margin,
    lexicalMargin: matcher.lexicalMargin,
    lexicalVetoBelow: matcher.lexicalVetoBelow,
    lexicalBonus: matcher.lexicalBonus,
  });
  if (sentiments) {
    result = applyModelSentiment(result, {
      text: sentiments[textIndex],
      clauses: classifyClauses ? placed.map((i) => sentiments[i]) : undefined,
    });
  }
  return result;
}
