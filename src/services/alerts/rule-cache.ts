/**
 * The routing rules as the worker sees them: read once per few seconds instead of once per
 * analysed response. Rule writes invalidate it at once — in this process directly, in the others
 * through a `RuleChanges` channel (Redis pub/sub); `ttlMs` bounds staleness should a message be lost.
 */
import type { RoutingRuleEntity } from '../../../models/routing/routing-rule.entity.js';

export class RuleCache {
  private cached: { at: number; rules: Promise<RoutingRuleEntity[]> } | null = null;

  constructor(
    private readonly source: { list(): Promise<RoutingRuleEntity[]> },
    private readonly ttlMs = 5_000,
  ) {}

  list(): Promise<RoutingRuleEntity[]> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const rules = this.source.list();
      this.cached = { at: now, rules };
      // A failed read is not cached: the next call (the job retry) reads again.
      rules.catch(() => {
        if (this.cached?.rules === rules) this.cached = null;
      });
    }
    return this.cached.rules;
  }

  invalidate(): void {
    this.cached = null;
  }
}

/** Tells every process that the routing rules changed (the composition root backs it with Redis pub/sub). */
export interface RuleChanges {
  publish(): void;
  /** Calls `onChange` for every change published by any process (until the channel is closed). */
  subscribe(onChange: () => void): void;
}
