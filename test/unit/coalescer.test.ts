import { describe, expect, it } from 'vitest';
import { Coalescer, type Settled } from '../../jobs/coalescer.js';

describe('Coalescer', () => {
  const doubler =
    (batches: number[][]) =>
    async (items: number[]): Promise<Settled<number>[]> => {
      batches.push(items);
      return items.map((n) => (n < 0 ? { ok: false, error: new Error(`negative ${n}`) } : { ok: true, outcome: n * 2 }));
    };

  it('runs the items added within the window as one batch, each caller getting its own result', async () => {
    const batches: number[][] = [];
    const coalescer = new Coalescer(doubler(batches), { max: 10, windowMs: 20 });
    const results = await Promise.allSettled([coalescer.add(1), coalescer.add(-2), coalescer.add(3)]);
    expect(batches).toEqual([[1, -2, 3]]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { message: 'negative -2' } });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 6 });
  });

  it('starts a full batch at once and the rest in the next one', async () => {
    const batches: number[][] = [];
    const coalescer = new Coalescer(doubler(batches), { max: 2, windowMs: 10_000 });
    const first = [coalescer.add(1), coalescer.add(2)];
    expect(await Promise.all(first)).toEqual([2, 4]);
    const single = new Coalescer(doubler(batches), { max: 1, windowMs: 10_000 });
    expect(await single.add(5)).toBe(10);
    expect(batches).toEqual([[1, 2], [5]]);
  });

  it('fails every item when the batch throws', async () => {
    const coalescer = new Coalescer<number, number>(() => Promise.reject(new Error('database down')), { max: 5, windowMs: 5 });
    const results = await Promise.allSettled([coalescer.add(1), coalescer.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
