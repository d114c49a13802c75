/**
 * NPS targets (goals): one per scope, optionally per team or owner within it; set by an ADMIN, or
 * by a MANAGER inside its own scope. Progress is measured on the figure a target is shown with
 * (an `nps` result, a weekly report's 13 weeks, a leaderboard row).
 */
import type { Attribute } from '../../../models/response/response.entity.js';
import type { TargetEntity } from '../../../models/target/target.entity.js';
import type { TargetRepository } from '../../../models/target/target.repository.js';
import { AppError, InputError, notFound, type FieldProblem } from '../../errors.js';
import { inScope, scopeTags } from '../auth/scope.js';
import type { FollowUpMetrics, FollowUpStats, MetricsGroupBy } from '../alerts/follow-up-metrics.service.js';
import { decodeCursor, pageSize, toPage, type Page } from '../paging.js';
import type { ResponseQueryService } from '../response-query.service.js';
import { checkScope } from '../reports/weekly-report.service.js';
import { targetProgress, type TargetProgress } from './target-progress.js';
import { DAY_MS } from '../../domain/time.js';

/** The window of a target's baseline and of its progress in lists and reports: 13 weeks, as the weekly report. */
const WINDOW_MS = 91 * DAY_MS;

export interface SetTargetInput {
  scope: Attribute[];
  nps: number;
  by: Date;
  team?: string | null;
  owner?: string | null;
}

/** A target with its progress measured on some figure. */
export interface TargetView extends TargetEntity {
  progress: TargetProgress;
}

/** Identity of a target: the scope pairs sorted, then team and owner. */
function targetKey(scope: readonly Attribute[], team: string | null, owner: string | null): string {
  const pairs = scope.map((a) => `${a.key}=${a.value}`).sort();
  return JSON.stringify([pairs, team, owner]);
}

const nonEmpty = (attributes: Attribute[]) => (attributes.length ? attributes : null);

export class TargetService {
  constructor(
    private readonly deps: {
      targets: TargetRepository;
      responses: ResponseQueryService;
      ownerAttribute: string;
      teamAttribute: string;
      maxPageSize: number;
      now: () => Date;
    },
  ) {}

  /** Sets (or replaces) the target of a scope (+ team or owner); setting the same values again changes nothing. */
  async set(input: SetTargetInput, caller: { keyId: string; scope: readonly Attribute[] }): Promise<TargetView> {
    const now = this.deps.now();
    const problems: FieldProblem[] = [];
    if (typeof input.nps !== 'number' || !Number.isFinite(input.nps) || input.nps < -100 || input.nps > 100)
      problems.push({ field: 'input.nps', message: 'must be an NPS from -100 to 100' });
    if (!(input.by instanceof Date) || Number.isNaN(input.by.getTime()) || input.by.getTime() <= now.getTime())
      problems.push({ field: 'input.by', message: 'must be a date in the future' });
    const team = this.name(input.team, 'input.team', problems);
    const owner = this.name(input.owner, 'input.owner', problems);
    if (team && owner) problems.push({ field: 'input.owner', message: 'give a team or an owner, not both' });
    if (problems.length) throw new InputError(problems);
    checkScope(input.scope, 'input.scope');
    for (const [i, a] of input.scope.entries()) {
      if (a.key === this.deps.teamAttribute || a.key === this.deps.ownerAttribute)
        throw new InputError([
          { field: `input.scope[${i}].key`, message: `use input.${a.key === this.deps.teamAttribute ? 'team' : 'owner'} for ${a.key}` },
        ]);
    }
    // A scoped key sets targets only inside its own scope (never wider, never another value).
    if (!inScope(input.scope, caller.scope))
      throw new AppError(
        'FORBIDDEN',
        `input.scope: this key may only set targets within ${caller.scope.map((s) => `${s.key} = ${s.value}`).join(', ')}`,
        {
          field: 'input.scope',
        },
      );

    const scope = input.scope.map((a) => ({ key: a.key, value: a.value.trim() }));
    const key = targetKey(scope, team, owner);
    const existing = await this.deps.targets.byKey(key);
    if (existing && existing.nps === input.nps && existing.by.getTime() === input.by.getTime()) return this.withCurrent(existing, now);
    const baseline = await this.deps.responses.nps({
      attributes: nonEmpty(this.attributesOf({ scope, team, owner })),
      from: new Date(now.getTime() - WINDOW_MS),
      to: now,
    });
    const saved = await this.deps.targets.upsert({
      key,
      scope,
      scopeTags: scopeTags(scope),
      team,
      owner,
      nps: input.nps,
      by: input.by,
      setAt: now,
      baselineNps: baseline.nps,
      createdByKeyId: caller.keyId,
      updatedAt: now,
    });
    return { ...saved, progress: targetProgress(saved, baseline.nps, now) };
  }

  /** Targets inside the caller's scope, oldest first, each with its progress over the last 13 weeks. */
  async list(
    callerScope: readonly Attribute[],
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<TargetView>> {
    const size = pageSize(first, this.deps.maxPageSize);
    const cursor = decodeCursor(after, ['string']);
    const rows = await this.deps.targets.page(scopeTags(callerScope), cursor ? String(cursor[0]) : null, size + 1);
    const page = toPage(rows, size, (t) => [t._id.toHexString()]);
    const now = this.deps.now();
    const edges = await Promise.all(page.edges.map(async (e) => ({ cursor: e.cursor, node: await this.withCurrent(e.node, now) })));
    return { ...page, edges };
  }

  async delete(id: string, callerScope: readonly Attribute[]): Promise<boolean> {
    const found = await this.deps.targets.byId(id);
    if (!found || !inScope(found.scope, callerScope)) throw notFound('target', id);
    return this.deps.targets.delete(id);
  }

  /**
   * The target of exactly these attributes (as an `nps` filter gives them): the team and owner
   * attributes name a team or owner target, the rest is its scope. Null when none is set.
   */
  async forAttributes(attributes: readonly Attribute[] | null | undefined): Promise<TargetEntity | null> {
    const list = attributes ?? [];
    if (new Set(list.map((a) => a.key)).size !== list.length) return null; // a key twice means "either value": no one scope
    const team = list.find((a) => a.key === this.deps.teamAttribute)?.value ?? null;
    const owner = list.find((a) => a.key === this.deps.ownerAttribute)?.value ?? null;
    const scope = list.filter((a) => a.key !== this.deps.teamAttribute && a.key !== this.deps.ownerAttribute);
    return this.deps.targets.byKey(targetKey(scope, team, owner));
  }

  /** Progress of a target measured on `current` (the NPS it is shown with), at `at` (the end of its period; default now). */
  progress(target: TargetEntity, current: number | null, at?: Date): TargetView {
    const now = this.deps.now();
    // A figure of a period that ends later than now is measured now (the pace never runs ahead of the clock).
    return { ...target, progress: targetProgress(target, current, at && at < now ? at : now) };
  }

  /** The scope's own target on the overall row, and each owner's (team's) target within the scope on its row. */
  async onLeaderboard<M extends Pick<FollowUpMetrics, 'overall' | 'rows' | 'to'>>(
    metrics: M,
    groupBy: MetricsGroupBy,
    scope: readonly Attribute[],
    at?: Date,
  ): Promise<M & { overall: FollowUpStats & { target: TargetView | null }; rows: (FollowUpStats & { target: TargetView | null })[] }> {
    const keyOfRow = (row: FollowUpStats) =>
      row.key == null ? null : groupBy === 'OWNER' ? targetKey(scope, null, row.key) : targetKey(scope, row.key, null);
    const overallKey = targetKey(scope, null, null);
    const keys = [overallKey, ...metrics.rows.flatMap((r) => keyOfRow(r) ?? [])];
    const byKey = new Map((await this.deps.targets.byKeys(keys)).map((t) => [t.key, t]));
    const withTarget = (row: FollowUpStats, key: string | null) => {
      const target = key == null ? undefined : byKey.get(key);
      return { ...row, target: target ? this.progress(target, row.nps, at) : null };
    };
    return { ...metrics, overall: withTarget(metrics.overall, overallKey), rows: metrics.rows.map((r) => withTarget(r, keyOfRow(r))) };
  }

  /** The responses a target is about: its scope, plus its team or owner attribute. */
  attributesOf(t: Pick<TargetEntity, 'scope' | 'team' | 'owner'>): Attribute[] {
    return [
      ...t.scope,
      ...(t.team ? [{ key: this.deps.teamAttribute, value: t.team }] : []),
      ...(t.owner ? [{ key: this.deps.ownerAttribute, value: t.owner }] : []),
    ];
  }

  private async withCurrent(t: TargetEntity, now: Date): Promise<TargetView> {
    const figures = await this.deps.responses.nps({
      attributes: nonEmpty(this.attributesOf(t)),
      from: new Date(now.getTime() - WINDOW_MS),
      to: now,
    });
    return { ...t, progress: targetProgress(t, figures.nps, now) };
  }

  private name(value: string | null | undefined, field: string, problems: FieldProblem[]): string | null {
    if (value == null) return null;
    const trimmed = value.trim();
    if (trimmed === '' || trimmed.length > 200 || /[\r\n]/.test(trimmed)) {
      problems.push({ field, message: 'must be one line of 1–200 characters' });
      return null;
    }
    return trimmed;
  }
}
