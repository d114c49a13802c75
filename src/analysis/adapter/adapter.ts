/**
 * A deployment-local adapter learned from people's corrections: per-theme few-shot prototypes
 * over hashed word n-gram vectors (the mean of the corrected verbatims that mention the theme),
 * plus a sentiment calibration (a label the engine gives is remapped when corrections show that
 * people mostly change it to another one). Pure: training and applying take data, do no I/O.
 */
import type { AnalysisResult, SentimentLabel, ThemeMatch } from '../types.js';
import { fnv1a } from '../../domain/hash.js';

/** Buckets of the hashed feature space. */
const ADAPTER_DIMENSIONS = 1 << 18;
/** Cosine similarity to a theme's prototype above which the adapter adds the theme. */
const DEFAULT_PROTOTYPE_THRESHOLD = 0.3;
/** Corrections of one predicted label needed before the calibration may remap it. */
const MIN_CALIBRATION_SUPPORT = 5;

interface AdapterPrototype {
  key: string;
  label: string;
  /** Corrected verbatims the prototype averages. */
  support: number;
  /** Sparse unit vector: bucket → weight. */
  vector: [number, number][];
}

export interface AdapterData {
  version: number;
  threshold: number;
  prototypes: AdapterPrototype[];
  /** Engine label → label to report instead (only labels the corrections move). */
  sentimentRemap: Partial<Record<SentimentLabel, SentimentLabel>>;
}

export interface CorrectionExample {
  text: string;
  /** Corrected theme keys; null when the themes were not corrected. */
  themes: { key: string; label: string }[] | null;
  /** Corrected sentiment; null when not corrected. */
  sentiment: SentimentLabel | null;
  /** What the engine said before the correction. */
  predictedSentiment: SentimentLabel | null;
}

const WORD = /[\p{L}\p{N}']+/gu;

/** Unit-length vector of word unigrams and bigrams (lower-cased), hashed into ADAPTER_DIMENSIONS buckets. */
export function featureVector(text: string): Map<number, number> {
  const words = (text.toLowerCase().match(WORD) ?? []).slice(0, 400);
  const v = new Map<number, number>();
  const add = (f: string) => {
    const b = fnv1a(f) % ADAPTER_DIMENSIONS;
    v.set(b, (v.get(b) ?? 0) + 1);
  };
  for (let i = 0; i < words.length; i++) {
    add(words[i]);
    if (i > 0) add(`${words[i - 1]} ${words[i]}`);
  }
  return normalise(v);
}

function normalise(v: Map<number, number>): Map<number, number> {
  let norm = 0;
  for (const w of v.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [k, w] of v) v.set(k, w / norm);
  return v;
}

function cosine(a: Map<number, number>, b: readonly [number, number][]): number {
  let dot = 0;
  for (const [k, w] of b) dot += (a.get(k) ?? 0) * w;
  return dot;
}

export function trainAdapter(
  examples: readonly CorrectionExample[],
  version: number,
  threshold = DEFAULT_PROTOTYPE_THRESHOLD,
): AdapterData {
  const sums = new Map<string, { label: string; support: number; vector: Map<number, number> }>();
  const confusion = new Map<SentimentLabel, Map<SentimentLabel, number>>();
  for (const ex of examples) {
    if (ex.themes) {
      const v = featureVector(ex.text);
      for (const t of ex.themes) {
        let s = sums.get(t.key);
        if (!s) sums.set(t.key, (s = { label: t.label, support: 0, vector: new Map() }));
        s.support++;
        for (const [k, w] of v) s.vector.set(k, (s.vector.get(k) ?? 0) + w);
      }
    }
    if (ex.sentiment && ex.predictedSentiment) {
      let row = confusion.get(ex.predictedSentiment);
      if (!row) confusion.set(ex.predictedSentiment, (row = new Map<SentimentLabel, number>()));
      row.set(ex.sentiment, (row.get(ex.sentiment) ?? 0) + 1);
    }
  }
  const prototypes = [...sums].map(([key, s]) => ({
    key,
    label: s.label,
    support: s.support,
    vector: [...normalise(s.vector)].sort((a, b) => a[0] - b[0]),
  }));
  prototypes.sort((a, b) => a.key.localeCompare(b.key));
  const sentimentRemap: AdapterData['sentimentRemap'] = {};
  for (const [predicted, row] of confusion) {
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    const [best, count] = [...row].sort((a, b) => b[1] - a[1])[0];
    // Remap only when people moved most of this label elsewhere, on enough evidence.
    if (best !== predicted && total >= MIN_CALIBRATION_SUPPORT && count / total > 0.5) sentimentRemap[predicted] = best;
  }
  return { version, threshold, prototypes, sentimentRemap };
}

/** The themes the prototypes find in a text, best first. */
export function prototypeThemes(text: string, adapter: AdapterData): { key: string; label: string; similarity: number }[] {
  if (adapter.prototypes.length === 0) return [];
  const v = featureVector(text);
  return adapter.prototypes
    .map((p) => ({ key: p.key, label: p.label, similarity: cosine(v, p.vector) }))
    .filter((m) => m.similarity >= adapter.threshold)
    .sort((a, b) => b.similarity - a.similarity);
}

/** Similarity at which the best prototype is added even beside themes the engine found. */
const CONFIDENT_SIMILARITY = 0.6;

/**
 * The engine's result with the adapter applied: the best prototype match is added (with the
 * similarity as confidence, the overall sentiment, no evidence spans) when the engine found no
 * theme, or beside the engine's themes when it is very close (CONFIDENT_SIMILARITY) — adding
 * every match above the threshold cost more precision than it gained recall. The sentiment
 * label is calibrated. Themes whose key is not in `activeKeys` (retired since training) are ignored.
 */
export function applyAdapter<R extends Pick<AnalysisResult, 'themes' | 'sentiment'>>(
  result: R,
  text: string,
  adapter: AdapterData | null,
  activeKeys?: ReadonlySet<string>,
): R {
  if (!adapter) return result;
  const remapped = adapter.sentimentRemap[result.sentiment.label];
  const sentiment = remapped
    ? {
        ...result.sentiment,
        label: remapped,
        score: remapped === 'neutral' ? 0 : Math.abs(result.sentiment.score || 0.3) * (remapped === 'positive' ? 1 : -1),
      }
    : result.sentiment;
  const present = new Set(result.themes.map((t) => t.key));
  const added: ThemeMatch[] = prototypeThemes(text, adapter)
    .filter((m) => !activeKeys || activeKeys.has(m.key))
    .slice(0, 1)
    .filter((m) => !present.has(m.key) && (present.size === 0 || m.similarity >= CONFIDENT_SIMILARITY))
    .map((m) => ({
      key: m.key,
      label: m.label,
      confidence: Math.min(1, Math.round(m.similarity * 1000) / 1000),
      sentiment: { ...sentiment },
      evidence: [],
    }));
  if (!remapped && added.length === 0) return result;
  return { ...result, sentiment, themes: [...result.themes, ...added] };
}
