import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { mapPage } from '../../src/services/paging.js';
import { importAnswers, submitAnswer } from '../../src/services/programme/answers.js';
import { toConnection } from '../common/page-info.js';
import type { Context } from '../context.js';
import { INGEST_ROLES, READ_ROLES } from '../auth/roles.js';
import { scopedFilter, visible } from '../auth/scope.js';
import type { Attribute } from '../../models/response/response.entity.js';
import { assertIngestReadable } from './ingest-selection.js';
import { toResponse } from './response.mapper.js';
import { ResponseFilter, ResponseInput } from './response.inputs.js';
import { ImportResult, NpsSummary, Response, ResponseConnection } from './response.types.js';

/** The connection object carries its filter so `totalCount` is counted only when asked for. */
type ConnectionSource = Omit<ResponseConnection, 'totalCount'> & { filter: ResponseFilter | null | undefined };

@Resolver(() => Response)
export class ResponseResolver {
  @Authorized(INGEST_ROLES)
  @Mutation(() => Response, {
    description:
      'Stores one response. Idempotent by externalId: resubmitting returns the stored response. An INGEST key may select only `id`, `externalId` and `analysisStatus`; any other field is refused with FORBIDDEN (extensions.field names it) before anything is stored.',
  })
  async submitResponse(
    @Arg('input', () => ResponseInput, { description: 'The response to store; it is queued for analysis.' }) input: ResponseInput,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Response> {
    assertIngestReadable(ctx, info);
    return toResponse(await submitAnswer(ctx.services, input, ctx.requestId));
  }

  @Authorized(INGEST_ROLES)
  @Mutation(() => ImportResult, {
    description:
      'Stores up to VERBATIM_MAX_IMPORT_ROWS (default 5,000) responses; valid rows are stored even when others fail. A row carrying `invitationId` marks that invitation RESPONDED; an unknown or skipped invitation fails its row (errors name the field), nothing else.',
  })
  async importResponses(
    @Arg('input', () => [ResponseInput], {
      description: 'The responses to store; invalid rows are reported in `errors`, the others are stored.',
    })
    input: ResponseInput[],
    @Ctx() ctx: Context,
  ): Promise<ImportResult> {
    return importAnswers(ctx.services, input, ctx.requestId);
  }

  @Authorized(READ_ROLES)
  @Query(() => Response, { nullable: true, description: "One response by id; null if there is none (or it is outside the key's scope)." })
  async response(@Arg('id', () => ID, { description: 'Id of the response.' }) id: string, @Ctx() ctx: Context): Promise<Response | null> {
    const entity = await ctx.services.responses.get(id);
    // Outside the scope looks exactly like a response that does not exist.
    return entity && visible(ctx, entity.attributes) ? toResponse(entity) : null;
  }

  @Authorized(READ_ROLES)
  @Query(() => ResponseConnection, { description: 'Responses matching the filter, newest first, cursor-paginated.' })
  async responses(
    @Arg('filter', () => ResponseFilter, { nullable: true, description: 'Which responses; all when omitted.' })
    filter: ResponseFilter | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ConnectionSource> {
    const scoped = scopedFilter(ctx, filter);
    const page = await ctx.services.responses.page(scoped, first, after);
    return { filter: scoped, ...toConnection(mapPage(page, toResponse)) };
  }

  @Authorized(READ_ROLES)
  @Query(() => NpsSummary, { description: 'NPS of the responses matching the filter, with sample size and 95% margin of error.' })
  async nps(
    @Arg('filter', () => ResponseFilter, { nullable: true, description: 'Which responses; all when omitted.' })
    filter: ResponseFilter | null,
    @Ctx() ctx: Context,
  ): Promise<NpsSummary & { targetAttributes: Attribute[] | null }> {
    const scoped = scopedFilter(ctx, filter);
    // The attributes filtered on find the target shown with this figure (NpsSummary.target).
    return { ...(await ctx.services.responses.nps(scoped)), targetAttributes: scoped?.attributes ?? null };
  }
}

@Resolver(() => ResponseConnection)
export class ResponseConnectionResolver {
  @FieldResolver(() => Int)
  async totalCount(@Root() connection: ConnectionSource, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.responses.count(connection.filter);
  }
}
