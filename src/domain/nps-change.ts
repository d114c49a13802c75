/** Whether an NPS moved beyond sampling noise between two independent samples. Pure. */
import { round, type NpsFigures } from './nps.js';

export interface NpsChange {
  /** Current minus previous NPS in points; null when either side has no responses. */
  points: number | null;
  /** True when the change exceeds the 95% margin of the difference (√(moe₁² + moe₂²)). */
  significant: boolean;
}

/**
 * Two independent NPS estimates: the standard error of their difference is the root of the
 * summed squared errors, so at 95% the change is significant when |Δ| > √(moe₁² + moe₂²).
 */
export function npsChange(
  current: Pick<NpsFigures, 'nps' | 'marginOfError'>,
  previous: Pick<NpsFigures, 'nps' | 'marginOfError'>,
): NpsChange {
  if (current.nps === null || previous.nps === null) return { points: null, significant: false };
  const points = round(current.nps - previous.nps, 2);
  if (current.marginOfError === null || previous.marginOfError === null) return { points, significant: false };
  const margin = Math.sqrt(current.marginOfError ** 2 + previous.marginOfError ** 2);
  return { points, significant: Math.abs(points) > margin };
}
