import type { AnalysisResult, ClauseResult, Sentiment, SentimentLabel, Taxonomy } from '../../../src/analysis/types.js';

/** A small taxonomy whose example phrases use words the tiny model places near each theme. */
export const TEST_TAXONOMY: Taxonomy = {
  themes: [
    {
      key: 'billing',
      label: 'Billing',
      description: 'Invoices and payments',
      keywords: ['invoice', 'billing'],
      examples: ['I was charged twice for one order', 'the receipt showed the wrong payment'],
    },
    {
      key: 'delivery',
      label: 'Delivery',
      description: 'Shipping and courier',
      keywords: ['delivery', 'shipping'],
      examples: ['my parcel arrived late', 'the courier lost the package'],
    },
    {
      key: 'performance',
      label: 'Speed / performance',
      keywords: ['slow', 'performance'],
      examples: ['the app is sluggish and laggy'],
    },
    { key: 'ease_of_use', label: 'Ease of use', keywords: ['intuitive', 'easy to use'], examples: [] },
  ],
};

export function sentiment(label: SentimentLabel, score: number, confidence = 0.8): Sentiment {
  return { label, score, confidence };
}

/** Clauses as the lexical engine reports them: spans of `text` with their own sentiment. */
export function clausesOf(text: string, parts: Array<[string, Sentiment]>): ClauseResult[] {
  return parts.map(([part, s]) => {
    const start = text.indexOf(part);
    if (start < 0) throw new Error(`"${part}" is not in "${text}"`);
    return { start, end: start + part.length, text: part, sentiment: s };
  });
}

/** A hand-made lexical result, standing in for analyze() output. */
export function lexicalResult(text: string, overrides: Partial<AnalysisResult> = {}): AnalysisResult {
  return {
    language: { code: 'eng', supported: true },
    truncated: false,
    sentiment: sentiment('neutral', 0, 0.5),
    clauses: [],
    themes: [],
    keyPhrases: [],
    churnSignals: [],
    engine: 'lexical@1',
    ...overrides,
  };
}
