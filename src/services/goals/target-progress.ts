/**
 * Progress against an NPS target, pure: the current NPS, the points still to gain, and whether it
 * is on track by a linear pace from the baseline (the NPS when the target was set) to the target
 * at its date.
 */

export interface TargetPace {
  nps: number;
  by: Date;
  setAt: Date;
  baselineNps: number | null;
}

export interface TargetProgress {
  /** The NPS compared with the target; null without responses. */
  current: number | null;
  /** Target minus current, in points (positive: still to gain; zero or negative: reached). */
  gap: number | null;
  /** Share of the time from `setAt` to `by` that has passed, 0–1. */
  elapsed: number;
  /** Where a linear pace from the baseline would be now; null without a baseline. */
  expected: number | null;
  /** Current at or above the expected pace (or the target itself without a baseline); null without a current NPS. */
  onTrack: boolean | null;
  reached: boolean;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function targetProgress(target: TargetPace, current: number | null, now: Date): TargetProgress {
  const span = target.by.getTime() - target.setAt.getTime();
  const elapsed = span <= 0 ? 1 : Math.min(1, Math.max(0, (now.getTime() - target.setAt.getTime()) / span));
  const expected = target.baselineNps === null ? null : round2(target.baselineNps + (target.nps - target.baselineNps) * elapsed);
  return {
    current,
    gap: current === null ? null : round2(target.nps - current),
    elapsed: round2(elapsed),
    expected,
    onTrack: current === null ? null : current >= (expected ?? target.nps),
    reached: current !== null && current >= target.nps,
  };
}
