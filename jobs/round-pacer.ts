/**
 * Keeps an expensive repeatable round to a share of the time. A round that took `d` ms makes the
 * rounds of the next `d × (1/share − 1)` ms skip (capped at `maxRestMs`), through one Redis key,
 * so every worker skips them, however many run.
 *
 * Why: the reconciler's scans (responses PENDING too long, effects left unfinished) are served by
 * indexes on MongoDB and take milliseconds, but the embedded FerretDB reads no secondary index and
 * decodes the whole collection for each: about 13 s of its CPU per scan at 10,000 responses, two
 * scans a minute. `BENCH_RESPONSES=10000 npm run bench:pipeline` took 223 s with them and 105 s
 * without (docs/pipeline.md). The SLA sweep's alert queries are paced the same way (docs/alerts.md).
 * Rounds faster than `minPacedMs` never rest (MongoDB, small data).
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logger.js';

export interface RoundPacing {
  /** The share of the time the rounds may take, in (0, 1]. */
  share: number;
  /** Longest rest after one round, so the lost work it recovers is never left longer. */
  maxRestMs: number;
  /** Rounds that take less than this never rest: cheap enough at any frequency. */
  minPacedMs: number;
}

export type PacedResult<T> = { ran: true; result: T; tookMs: number; restMs: number } | { ran: false; restingForMs: number };

export class RoundPacer {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly pacing: RoundPacing,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(pacing.share > 0 && pacing.share <= 1)) throw new Error(`RoundPacer: share must be in (0, 1], got ${pacing.share}`);
  }

  /** Runs the round unless an earlier one (on any worker) left this one to rest. */
  async run<T>(round: () => Promise<T>): Promise<PacedResult<T>> {
    const resting = await this.redis.pttl(this.key);
    if (resting > 0) return { ran: false, restingForMs: resting };
    const started = this.now();
    const result = await round();
    const tookMs = this.now() - started;
    const restMs = restAfter(tookMs, this.pacing);
    if (restMs > 0) await this.redis.set(this.key, String(Math.round(tookMs)), 'PX', restMs);
    return { ran: true, result, tookMs, restMs };
  }

  /**
   * `run` for a repeatable job: the round's result, or that this round rested (`what` names the
   * round in both, e.g. "sweep"); a slow round is logged with the rest it set.
   */
  async runJob<T>(round: () => Promise<T>, what: string, log: Logger): Promise<T | { skipped: string; restingForMs: number }> {
    const paced = await this.run(round);
    if (!paced.ran) return { skipped: `resting after a slow ${what}`, restingForMs: paced.restingForMs };
    if (paced.restMs > 0) log.info({ tookMs: Math.round(paced.tookMs), restMs: paced.restMs }, `slow ${what}: the next ones rest`);
    return paced.result;
  }
}

/** The rest after a round of `tookMs`: none for cheap rounds, else what keeps the rounds to `share`. */
export function restAfter(tookMs: number, { share, maxRestMs, minPacedMs }: RoundPacing): number {
  if (tookMs < minPacedMs) return 0;
  return Math.min(maxRestMs, Math.round(tookMs * (1 / share - 1)));
}
