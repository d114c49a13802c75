/** Published industry benchmarks, and the comparison line on every NPS figure. */
import { Arg, Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { READ_ROLES } from '../auth/roles.js';
import { NpsSummary } from '../response/response.types.js';
import { Benchmark } from './benchmark.types.js';

const industryArg = { nullable: true, description: 'Industry as named in the benchmarks file (case-insensitive).' } as const;

@Resolver()
export class BenchmarkResolver {
  @Authorized(READ_ROLES)
  @Query(() => [Benchmark], { description: 'Published industry NPS benchmarks, newest first; all industries when none is given.' })
  benchmarks(@Arg('industry', () => String, industryArg) industry: string | null, @Ctx() ctx: Context): Benchmark[] {
    return ctx.services.benchmarks.list(industry);
  }
}

@Resolver(() => NpsSummary)
export class NpsBenchmarkResolver {
  @FieldResolver(() => Benchmark, {
    nullable: true,
    description:
      'The newest published benchmark of the industry (default VERBATIM_BENCHMARK_INDUSTRY) to compare with; null when there is none.',
  })
  benchmark(@Arg('industry', () => String, industryArg) industry: string | null, @Ctx() ctx: Context): Benchmark | null {
    return ctx.services.benchmarks.compareWith(industry);
  }
}
