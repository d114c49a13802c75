import { describe, expect, it } from 'vitest';
import { targetProgress } from '../../src/services/goals/target-progress.js';
import { targetLabel, targetLine } from '../../src/services/reports/render-report.js';
import type { TargetView } from '../../src/services/goals/target.service.js';

const DAY = 86_400_000;
const setAt = new Date('2026-12-01T00:00:00Z');
const by = new Date(setAt.getTime() + 100 * DAY);
const target = { nps: 40, by, setAt, baselineNps: 20 };

describe('target progress', () => {
  it('paces linearly from the baseline at setAt to the target at by', () => {
    expect(targetProgress(target, 20, setAt)).toEqual({ current: 20, gap: 20, elapsed: 0, expected: 20, onTrack: true, reached: false });
    const quarter = new Date(setAt.getTime() + 25 * DAY);
    expect(targetProgress(target, 24, quarter)).toMatchObject({ elapsed: 0.25, expected: 25, onTrack: false, gap: 16 });
    expect(targetProgress(target, 26, quarter)).toMatchObject({ onTrack: true });
    // Past the date the pace is the target itself.
    expect(targetProgress(target, 39, new Date(by.getTime() + DAY))).toMatchObject({
      elapsed: 1,
      expected: 40,
      onTrack: false,
      reached: false,
    });
    expect(targetProgress(target, 41, quarter)).toMatchObject({ reached: true, gap: -1, onTrack: true });
  });

  it('has no pace without a baseline and no verdict without a current NPS', () => {
    expect(targetProgress({ ...target, baselineNps: null }, 30, setAt)).toMatchObject({ expected: null, onTrack: false });
    expect(targetProgress({ ...target, baselineNps: null }, 45, setAt)).toMatchObject({ expected: null, onTrack: true, reached: true });
    expect(targetProgress(target, null, setAt)).toMatchObject({ current: null, gap: null, onTrack: null, reached: false });
  });

  it('labels targets with a signed value and the date, and says what it is measured on', () => {
    expect(targetLabel({ nps: 30, by })).toBe('+30 by 2027-03-11');
    expect(targetLabel({ nps: -5.5, by })).toBe('-5.5 by 2027-03-11');
    const view = (current: number | null, extra: Partial<TargetView> = {}) =>
      ({ ...target, team: null, owner: null, ...extra, progress: targetProgress(target, current, setAt) }) as TargetView;
    expect(targetLine(view(null))).toBe('Target: +40 by 2027-03-11; no responses in the last 13 weeks to measure it on.');
    expect(targetLine(view(25, { team: 'west' }))).toBe(
      'Target for team west: +40 by 2027-03-11; last 13 weeks 25, 15 points to go; on track (pace 20).',
    );
    expect(targetLine(view(10, { owner: 'ana' }))).toBe(
      'Target for ana: +40 by 2027-03-11; last 13 weeks 10, 30 points to go; behind the pace of 20.',
    );
    expect(targetLine(view(50))).toBe('Target: +40 by 2027-03-11; last 13 weeks 50, reached.');
  });
});
