import { describe, expect, it } from 'vitest';
import { restAfter } from '../../jobs/round-pacer.js';
import { RECONCILE_PACING } from '../../jobs/options.js';

describe('restAfter', () => {
  const pacing = { share: 0.1, maxRestMs: 60_000, minPacedMs: 1_000 };

  it('lets cheap rounds run every time', () => {
    expect(restAfter(0, pacing)).toBe(0);
    expect(restAfter(999, pacing)).toBe(0);
  });

  it('rests a slow round nine times its length, so rounds take a tenth of the time', () => {
    expect(restAfter(1_000, pacing)).toBe(9_000);
    expect(restAfter(4_000, pacing)).toBe(36_000);
  });

  it('never rests longer than the cap', () => {
    expect(restAfter(13_000, pacing)).toBe(60_000);
  });

  it('the reconciler rests at most 30 minutes, after rounds of a second or more', () => {
    expect(restAfter(500, RECONCILE_PACING)).toBe(0);
    expect(restAfter(13_000, RECONCILE_PACING)).toBe(117_000);
    expect(restAfter(600_000, RECONCILE_PACING)).toBe(30 * 60_000);
  });
});
