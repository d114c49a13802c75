import { describe, expect, it } from 'vitest';
import { lengthBatches } from '../../../src/analysis/backends/length-batches.js';

describe('lengthBatches', () => {
  it('sorts inputs by length and closes a run before its padded size passes the token limit', () => {
    // Lengths by index: 0→10, 1→3, 2→3, 3→40, 4→5.
    expect(lengthBatches([10, 3, 3, 40, 5], { maxTexts: 10, maxTokens: 30 })).toEqual([[1, 2, 4], [0], [3]]);
  });

  it('closes a run at the text limit, keeps equal lengths in input order, and loses no input', () => {
    const lengths = [7, 7, 7, 7, 7];
    const batches = lengthBatches(lengths, { maxTexts: 2, maxTokens: 1000 });
    expect(batches).toEqual([[0, 1], [2, 3], [4]]);
    expect(lengthBatches([], { maxTexts: 2, maxTokens: 10 })).toEqual([]);
  });

  it('runs an input longer than the token limit alone', () => {
    expect(lengthBatches([2, 500, 2], { maxTexts: 8, maxTokens: 64 })).toEqual([[0, 2], [1]]);
  });
});
