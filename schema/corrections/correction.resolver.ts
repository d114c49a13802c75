import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { StoredSentiment } from '../../models/response/response.entity.js';
import type { Context } from '../context.js';
import { assertRole } from '../auth/auth-checker.js';
import { CORRECTION_ROLES } from '../auth/roles.js';
import { scopeOf } from '../auth/scope.js';
import { toResponse } from '../response/response.mapper.js';
import { Response } from '../response/response.types.js';
import { CorrectionInput } from './correction.inputs.js';

@Resolver()
export class CorrectionResolver {
  @Authorized(CORRECTION_ROLES)
  @Mutation(() => Response, {
    description:
      "Corrects the themes and/or sentiment of a response. The correction wins in every query and rollup, survives re-analysis, and the original analysis is kept (`correction.original`). NOT_FOUND for a response outside the key's scope.",
  })
  async correctAnalysis(
    @Arg('responseId', () => ID, { description: 'Id of the response whose analysis is corrected.' }) responseId: string,
    @Arg('input', () => CorrectionInput, { description: 'The corrected themes, sentiment or churn risk.' }) input: CorrectionInput,
    @Ctx() ctx: Context,
  ): Promise<Response> {
    const caller = assertRole(ctx.caller, CORRECTION_ROLES, 'Mutation.correctAnalysis');
    const stored = await ctx.services.corrections.correct(
      responseId,
      { themes: input.themes, sentiment: input.sentiment ? (input.sentiment.toLowerCase() as StoredSentiment['label']) : null },
      { keyId: caller.keyId, name: caller.name, scope: scopeOf(ctx) },
    );
    return toResponse(stored);
  }
}
