import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root, Subscription, type SubscriptionHandlerData } from 'type-graphql';
import type { StatusCounts } from '../../models/response/response-analysis.repository.js';
import { AppError } from '../../src/errors.js';
import type { ResponseAnalyzedMessage } from '../../src/pubsub.js';
import { NpsCategory } from '../common/enums.js';
import type { Context } from '../context.js';
import { READ_ROLES, SUBSCRIBE_ROLES } from '../auth/roles.js';
import { assertUnscoped, scopeOf, visible } from '../auth/scope.js';
import { toResponse } from '../response/response.mapper.js';
import { Response } from '../response/response.types.js';
import { AnalysisQueueCounts, ImportProgress } from './pipeline.types.js';

/** The progress root carries a memo, so total/pending/done/failed share one database pass. */
type ProgressRoot = ImportProgress & { counts: () => Promise<StatusCounts> };

interface AnalyzedFilterArgs {
  categories?: NpsCategory[] | null;
  touchpoints?: string[] | null;
  themes?: string[] | null;
}

/** A message passes when it matches every filter given (any value within one filter). */
function matchesAnalyzedFilter(message: ResponseAnalyzedMessage, args: AnalyzedFilterArgs): boolean {
  if (args.categories?.length && !args.categories.includes(message.category as NpsCategory)) return false;
  if (args.touchpoints?.length && !args.touchpoints.includes(message.touchpoint ?? '')) return false;
  if (args.themes?.length && !args.themes.some((t) => message.themeKeys.includes(t))) return false;
  return true;
}

@Resolver(() => ImportProgress)
export class ImportProgressResolver {
  @Authorized(READ_ROLES)
  @Query(() => ImportProgress, {
    description:
      'Analysis progress of the responses imported with one x-request-id (send the same header with every chunk of an import), or of all responses.',
  })
  importProgress(
    @Arg('requestId', () => String, { nullable: true, description: 'The x-request-id header the import was sent with.' })
    requestId: string | null,
    @Ctx() ctx: Context,
  ): ProgressRoot {
    ctx.services.pipeline.checkRequestId(requestId);
    let memo: Promise<StatusCounts> | null = null;
    return {
      requestId,
      counts: () => (memo ??= ctx.services.pipeline.statusCounts(requestId, scopeOf(ctx))),
    };
  }

  @FieldResolver(() => Int, { description: 'Responses stored.' })
  async total(@Root() root: ProgressRoot): Promise<number> {
    const c = await root.counts();
    return c.PENDING + c.DONE + c.FAILED;
  }

  @FieldResolver(() => Int, { description: 'Waiting for (or in) analysis.' })
  async pending(@Root() root: ProgressRoot): Promise<number> {
    return (await root.counts()).PENDING;
  }

  @FieldResolver(() => Int, { description: 'Analysed.' })
  async done(@Root() root: ProgressRoot): Promise<number> {
    return (await root.counts()).DONE;
  }

  @FieldResolver(() => Int, { description: 'Analysis failed after every retry.' })
  async failed(@Root() root: ProgressRoot): Promise<number> {
    return (await root.counts()).FAILED;
  }

  @FieldResolver(() => Boolean, { description: 'Nothing left pending.' })
  async complete(@Root() root: ProgressRoot): Promise<boolean> {
    return (await root.counts()).PENDING === 0;
  }

  @FieldResolver(() => Int, {
    description:
      'Analysed, but the after-analysis effects (rollups, churn risk and alert, subscriptions, webhook events) have not all completed yet; the reconciler re-runs them. One more database pass.',
  })
  async effectsPending(@Root() root: ProgressRoot, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.pipeline.effectsPending(root.requestId, scopeOf(ctx));
  }

  @FieldResolver(() => AnalysisQueueCounts, { description: 'Job counts of the analysis queue (cheap: read from Redis).' })
  async queue(@Ctx() ctx: Context): Promise<AnalysisQueueCounts> {
    // Queue counts span every scope.
    assertUnscoped(ctx, 'importProgress.queue');
    return ctx.services.pipeline.queueCounts();
  }
}

@Resolver()
export class ResponseAnalyzedResolver {
  @Authorized(SUBSCRIBE_ROLES)
  @Subscription(() => Response, {
    topics: 'RESPONSE_ANALYZED',
    filter: async ({ payload, args, context }: SubscriptionHandlerData<ResponseAnalyzedMessage, AnalyzedFilterArgs, Context>) =>
      matchesAnalyzedFilter(payload, args) && (await deliverableTo(context, payload)),
    description: 'Each response as soon as its analysis is stored (also after a re-analysis), from any worker, on any API instance.',
  })
  async responseAnalyzed(
    @Root() message: ResponseAnalyzedMessage,
    @Arg('categories', () => [NpsCategory], {
      nullable: true,
      description: 'NPS categories: only responses in any of them; all when omitted.',
    })
    _categories: NpsCategory[] | null,
    @Arg('touchpoints', () => [String], { nullable: true, description: 'Touchpoints: only responses from any of them; all when omitted.' })
    _touchpoints: string[] | null,
    @Arg('themes', () => [String], { nullable: true, description: 'Theme keys: responses mentioning any of them.' })
    _themes: string[] | null,
    @Ctx() ctx: Context,
  ): Promise<Response> {
    const response = await ctx.services.responses.get(message.responseId);
    if (!response || !visible(ctx, response.attributes))
      throw new AppError('NOT_FOUND', `response ${message.responseId} not found`, { id: message.responseId });
    return toResponse(response);
  }
}

/** The subscriber's key is still valid (revocation ends deliveries within the cache TTL) and the response is within its scope. */
async function deliverableTo(ctx: Context, message: ResponseAnalyzedMessage): Promise<boolean> {
  if (!ctx.caller || !(await ctx.services.apiKeys.byHash(ctx.caller.keyId))) return false;
  if (scopeOf(ctx).length === 0) return true;
  const attributes = message.attributes ?? (await ctx.services.responses.get(message.responseId))?.attributes;
  return visible(ctx, attributes);
}
