import { mean_pooling, Tensor } from '@xenova/transformers';
import { describe, expect, it } from 'vitest';
import { meanPooledRows } from '../../../src/analysis/backends/mean-pooling.js';
import { prng } from '../../../src/domain/prng.js';

describe('meanPooledRows', () => {
  it("is bit-identical to the library's mean_pooling + normalize, padding ignored", () => {
    const random = prng(7);
    const [batch, sequence, dim] = [3, 5, 8];
    const hidden = Float32Array.from({ length: batch * sequence * dim }, () => random() * 4 - 2);
    // Rows of 5, 2 and 4 attended positions; the rest is padding.
    const mask = BigInt64Array.from([1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0].map(BigInt));
    const expected = (
      mean_pooling(new Tensor('float32', hidden.slice(), [batch, sequence, dim]), new Tensor('int64', mask, [batch, sequence])) as {
        normalize(p: number, dim: number): { data: Float32Array };
      }
    ).normalize(2, -1).data;
    const rows = meanPooledRows(hidden, [batch, sequence, dim], mask);
    expect(rows).toHaveLength(batch);
    expect(Array.from(rows.flatMap((r) => Array.from(r)))).toEqual(Array.from(expected));
    // Padding positions do not count: changing them changes nothing.
    const noisy = hidden.slice();
    noisy.fill(99, (1 * sequence + 2) * dim, 2 * sequence * dim);
    expect(meanPooledRows(noisy, [batch, sequence, dim], mask)[1]).toEqual(rows[1]);
  });

  it('refuses an output whose shape does not fit the mask', () => {
    expect(() => meanPooledRows(new Float32Array(12), [1, 3, 4], new BigInt64Array(2))).toThrow(/shape \[1, 3, 4\]/);
  });
});
