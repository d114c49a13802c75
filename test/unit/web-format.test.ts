/** The app's NPS margin bands stay on the NPS scale. */
import { describe, expect, it } from 'vitest';
import { npsBand } from '../../src/web/format.js';

describe('npsBand', () => {
  it('is the NPS plus and minus its margin, cut at −100 and +100', () => {
    expect(npsBand(20, 10)).toEqual([10, 30]);
    expect(npsBand(-90, 35)).toEqual([-100, -55]);
    expect(npsBand(95, 40)).toEqual([55, 100]);
    expect(npsBand(0, 150)).toEqual([-100, 100]);
    expect(npsBand(12, null)).toEqual([12, 12]);
  });
});
