/**
 * The routing rules as the worker sees them: read once per few seconds instead of once per
 * analysed response. Rule writes in this process invalidate it at once; other processes pick
 * changes up within `ttlMs`.
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
