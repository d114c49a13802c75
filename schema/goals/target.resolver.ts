/** NPS targets: set by an ADMIN, or by a MANAGER inside its own scope; read within the key's scope; shown on `nps` results. */
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { TargetView } from '../../src/services/goals/target.service.js';
import { targetLabel } from '../../src/services/reports/render-report.js';
import { mapPage } from '../../src/services/paging.js';
import type { Attribute } from '../../models/response/response.entity.js';
import type { Context } from '../context.js';
import { FOLLOW_UP_ROLES, READ_ROLES } from '../auth/roles.js';
import { authenticatedCaller } from '../auth/auth-checker.js';
import { scopeOf } from '../auth/scope.js';
import { toConnection } from '../common/page-info.js';
import { NpsSummary } from '../response/response.types.js';
import { FollowUpStats } from '../alerts/alert.types.js';
import { WeeklyReport } from '../reports/report.types.js';
import { NpsTarget, NpsTargetConnection, SetTargetInput } from './target.types.js';

const toTarget = (t: TargetView): NpsTarget => ({
  id: t._id.toHexString(),
  scope: t.scope,
  team: t.team,
  owner: t.owner,
  nps: t.nps,
  by: t.by,
  setAt: t.setAt,
  baselineNps: t.baselineNps,
  label: `Target ${targetLabel(t)}`,
  progress: t.progress,
});

/** An `nps` result carries the (scoped) attributes it was filtered on, so its target can be found. */
export type NpsWithAttributes = NpsSummary & { targetAttributes?: Attribute[] | null };

@Resolver()
export class TargetResolver {
  @Authorized(FOLLOW_UP_ROLES)
  @Mutation(() => NpsTarget, {
    description:
      'Sets the NPS target of a scope (or of a team or owner within it); setting it again replaces it, and the same values again change nothing. A MANAGER sets targets only within its own scope.',
  })
  async setTarget(
    @Arg('input', () => SetTargetInput, { description: 'Scope (optionally team or owner) and NPS value of the target.' })
    input: SetTargetInput,
    @Ctx() ctx: Context,
  ): Promise<NpsTarget> {
    const caller = authenticatedCaller(ctx);
    return toTarget(await ctx.services.targets.set(input, { keyId: caller.keyId, scope: scopeOf(ctx) }));
  }

  @Authorized(READ_ROLES)
  @Query(() => NpsTargetConnection, { description: "Targets within the key's scope, oldest first, with progress over the last 13 weeks." })
  async targets(
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<NpsTargetConnection> {
    return toConnection(mapPage(await ctx.services.targets.list(scopeOf(ctx), first, after), toTarget));
  }

  @Authorized(FOLLOW_UP_ROLES)
  @Mutation(() => Boolean, { description: "Deletes a target (NOT_FOUND outside the key's scope)." })
  async deleteTarget(
    @Arg('id', () => ID, { description: 'Id of the NPS target to delete.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.targets.delete(id, scopeOf(ctx));
  }
}

@Resolver(() => NpsSummary)
export class NpsTargetResolver {
  @FieldResolver(() => NpsTarget, {
    nullable: true,
    description:
      'The target set for exactly the attributes filtered on (scope, plus the team or owner attribute), with progress measured on this NPS; null when none is set, or outside `nps` and `npsTrend { total }`.',
  })
  async target(@Root() summary: NpsWithAttributes, @Ctx() ctx: Context): Promise<NpsTarget | null> {
    if (summary.targetAttributes === undefined) return null;
    const target = await ctx.services.targets.forAttributes(summary.targetAttributes);
    return target ? toTarget(ctx.services.targets.progress(target, summary.nps)) : null;
  }
}

/** A service row or report that may carry a target with progress (TargetView), shown as NpsTarget. */
type WithTarget = { target?: TargetView | null };
const targetOf = (root: WithTarget): NpsTarget | null => (root.target ? toTarget(root.target) : null);

@Resolver(() => FollowUpStats)
export class FollowUpTargetResolver {
  @FieldResolver(() => NpsTarget, {
    nullable: true,
    description:
      "This owner's (team's) target within the key's scope — the scope's own target on the overall row — with progress measured on this row's NPS; null when none is set.",
  })
  target(@Root() row: WithTarget): NpsTarget | null {
    return targetOf(row);
  }
}

@Resolver(() => WeeklyReport)
export class ReportTargetResolver {
  @FieldResolver(() => NpsTarget, {
    nullable: true,
    description: "The scope's target, with progress measured on the last 13 weeks at the end of the report week; null when none is set.",
  })
  target(@Root() report: WithTarget): NpsTarget | null {
    return targetOf(report);
  }
}
