/**
 * Groups a model's inputs into runs by token count. A run is padded to its longest input, so the
 * inputs are sorted by length (shortest first) and a run is closed when one more input would take
 * its padded size over `maxTokens` or its count over `maxTexts`. Large runs keep the matrix
 * products efficient; similar lengths keep padding (work thrown away) small.
 */
export interface LengthBatchLimits {
  /** Most inputs in one run. */
  maxTexts: number;
  /** Most padded tokens (inputs × longest input) in one run; an input longer than this runs alone. */
  maxTokens: number;
}

/** Indexes into `lengths`, one array per run, shortest runs first; every index appears once. */
export function lengthBatches(lengths: readonly number[], { maxTexts, maxTokens }: LengthBatchLimits): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    // Sorted ascending: the newcomer is the run's longest input, so it sets the padded size.
    if (current.length > 0 && (current.length >= maxTexts || (current.length + 1) * lengths[i] > maxTokens)) {
      batches.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
