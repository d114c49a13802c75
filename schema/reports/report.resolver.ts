/** Weekly reports of a scope, as data, HTML and text. */
import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { READ_ROLES } from '../auth/roles.js';
import { AppError } from '../../src/errors.js';
import { scopeOf } from '../auth/scope.js';
import { AttributeInput } from '../common/attribute.types.js';
import { WeeklyReport } from './report.types.js';

/**
 * The scope a caller may report on: what it asks for plus its own key's scope. A scoped key
 * asking for another value of one of its scoped keys is refused (not silently narrowed: a
 * report that looks empty would mislead its reader).
 */
export function reportScope(ctx: Pick<Context, 'caller'>, asked: readonly AttributeInput[] | null, field = 'scope'): AttributeInput[] {
  const own = scopeOf(ctx);
  const wanted = [...(asked ?? [])];
  for (const s of own) {
    const clash = wanted.find((a) => a.key === s.key && a.value !== s.value);
    if (clash) {
      throw new AppError('FORBIDDEN', `${field}: this key may only report on ${s.key} = ${s.value}`, { field });
    }
    if (!wanted.some((a) => a.key === s.key)) wanted.push({ key: s.key, value: s.value });
  }
  return wanted;
}

@Resolver()
export class ReportResolver {
  @Authorized(READ_ROLES)
  @Query(() => WeeklyReport, {
    description:
      'The weekly report of a scope: NPS of the week, last 4 and 13 weeks with significance, themes rising and falling, quotes, follow-ups, trend chart and benchmark, as data, HTML and text.',
  })
  async weeklyReport(
    @Arg('scope', () => [AttributeInput], {
      nullable: true,
      description: "Attributes every reported response has (AND); a scoped key's own scope always applies.",
    })
    scope: AttributeInput[] | null,
    @Arg('week', () => String, { nullable: true, description: 'ISO week, e.g. 2026-W47 (UTC); default the last complete week.' })
    week: string | null,
    @Arg('industry', () => String, { nullable: true, description: 'Benchmark industry (default VERBATIM_BENCHMARK_INDUSTRY).' })
    industry: string | null,
    @Ctx() ctx: Context,
  ): Promise<WeeklyReport> {
    return ctx.services.reports.report(reportScope(ctx, scope), week, { industry });
  }
}
