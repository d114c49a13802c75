import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscriptionHandlerData,
} from 'type-graphql';
import { AppError } from '../../src/errors.js';
import { mapPage } from '../../src/services/paging.js';
import type { AlertRaisedMessage, AlertUpdatedMessage, PubSub } from '../../src/pubsub.js';
import type { AlertEntity } from '../../models/alert/alert.entity.js';
import { FOLLOW_UP_ROLES, READ_ROLES, SUBSCRIBE_ROLES } from '../auth/roles.js';
import { scopeOf, visible } from '../auth/scope.js';
import { toConnection } from '../common/page-info.js';
import { DateTime } from '../common/scalars.js';
import type { Context } from '../context.js';
import { toCustomer } from '../customer/customer.resolver.js';
import { toResponse } from '../response/response.mapper.js';
import { Response } from '../response/response.types.js';
import { AlertOrder, AlertOutcome, MetricsGroupBy } from './alert.enums.js';
import { toAlert } from './alert.mapper.js';
import {
  Alert,
  AlertConnection,
  AlertFilter,
  AtRiskCustomer,
  AtRiskCustomerConnection,
  AtRiskCustomerFilter,
  FollowUpMetrics,
  SlippingPromoterConnection,
  SlippingPromoterFilter,
} from './alert.types.js';

/** Who acted, for the alert history: the caller's key id. */
function actorOf(ctx: Context): string {
  return ctx.caller?.keyId ?? 'anonymous';
}

@Resolver(() => Alert)
export class AlertResolver {
  constructor(private readonly pubSub?: PubSub) {}

  /** Tells open inboxes (the `alertUpdated` subscription) on every API instance about a change. */
  private changed(alert: AlertEntity, previousAssignee: string): Alert {
    this.pubSub?.publish('ALERT_UPDATED', { alertId: alert._id, assignee: alert.assignee, previousAssignee, attributes: alert.attributes });
    return toAlert(alert);
  }

  @Authorized(READ_ROLES)
  @Query(() => Alert, { nullable: true, description: 'An alert by id (null when unknown or outside the caller’s scope).' })
  async alert(
    @Arg('id', () => ID, { description: 'Id of the alert (`<responseId>:<ruleId>`).' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Alert | null> {
    const alert = await ctx.services.alerts.get(id, scopeOf(ctx));
    return alert ? toAlert(alert) : null;
  }

  @Authorized(READ_ROLES)
  @Query(() => AlertConnection, {
    description:
      'Alerts matching the filter: an owner’s inbox is `filter: { assignee, statuses: [OPEN, ACKNOWLEDGED] }` (add `overdue: true` for what is late).',
  })
  async alerts(
    @Arg('filter', () => AlertFilter, { nullable: true, description: 'Which alerts; all when omitted.' }) filter: AlertFilter | null,
    @Arg('orderBy', () => AlertOrder, { nullable: true, description: 'Default RISK.' }) orderBy: AlertOrder | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, default 20.' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<AlertConnection> {
    const page = await ctx.services.alerts.list(filter ?? {}, orderBy ?? AlertOrder.RISK, first, after, scopeOf(ctx));
    const now = new Date();
    return { totalCount: page.totalCount, ...toConnection(mapPage(page, (alert) => toAlert(alert, now))) };
  }

  @Authorized(READ_ROLES)
  @Query(() => SlippingPromoterConnection, {
    description:
      'Customers whose previous comparable answer was ≥ 9 and whose new one is ≤ 8 (a scoped key sees only in-scope answers), newest first, each with its ASK_WHAT_CHANGED follow-up.',
  })
  async slippingPromoters(
    @Arg('filter', () => SlippingPromoterFilter, { nullable: true, description: 'Which promoters; all when omitted.' })
    filter: SlippingPromoterFilter | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, default 20.' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<SlippingPromoterConnection> {
    const page = await ctx.services.slippingPromoters.list(filter ?? {}, first, after, scopeOf(ctx));
    const now = new Date();
    return {
      totalCount: page.totalCount,
      ...toConnection(
        mapPage(page, (a) => ({
          customerExternalId: a.customerExternalId,
          previousScore: a.previousScore ?? 0,
          score: a.score,
          respondedAt: a.respondedAt,
          touchpoint: a.touchpoint,
          followUp: toAlert(a, now),
        })),
      ),
    };
  }

  @Authorized(FOLLOW_UP_ROLES)
  @Mutation(() => Alert, {
    description: 'OPEN → ACKNOWLEDGED: the assignee has taken it on (counts as first action). Other statuses fail with BAD_USER_INPUT.',
  })
  async acknowledgeAlert(
    @Arg('id', () => ID, { description: 'Id of the alert to acknowledge (`<responseId>:<ruleId>`).' }) id: string,
    @Arg('note', () => String, { nullable: true, description: 'Note kept in the alert history.' }) note: string | null,
    @Ctx() ctx: Context,
  ): Promise<Alert> {
    const alert = await ctx.services.alerts.acknowledge(id, actorOf(ctx), note, scopeOf(ctx));
    return this.changed(alert, alert.assignee);
  }

  @Authorized(FOLLOW_UP_ROLES)
  @Mutation(() => Alert, {
    description: 'OPEN or ACKNOWLEDGED → RESOLVED with the outcome and a note. A resolved alert cannot be resolved again (BAD_USER_INPUT).',
  })
  async resolveAlert(
    @Arg('id', () => ID, { description: 'Id of the alert to resolve (`<responseId>:<ruleId>`).' }) id: string,
    @Arg('outcome', () => AlertOutcome, { description: 'How the follow-up ended.' }) outcome: AlertOutcome,
    @Arg('note', () => String, { nullable: true, description: 'Resolution note, up to 2000 characters.' }) note: string | null,
    @Ctx() ctx: Context,
  ): Promise<Alert> {
    const alert = await ctx.services.alerts.resolve(id, actorOf(ctx), outcome, note, scopeOf(ctx));
    return this.changed(alert, alert.assignee);
  }

  @Authorized(FOLLOW_UP_ROLES)
  @Mutation(() => Alert, { description: 'Gives an unresolved alert to someone else (the due time stays).' })
  async reassignAlert(
    @Arg('id', () => ID, { description: 'Id of the alert to reassign (`<responseId>:<ruleId>`).' }) id: string,
    @Arg('assignee', () => String, { description: 'The new assignee (owner id or e-mail).' }) assignee: string,
    @Arg('note', () => String, { nullable: true, description: 'Note kept in the alert history.' }) note: string | null,
    @Ctx() ctx: Context,
  ): Promise<Alert> {
    const previous = await ctx.services.alerts.get(id, scopeOf(ctx));
    const alert = await ctx.services.alerts.reassign(id, actorOf(ctx), assignee, note, scopeOf(ctx));
    return this.changed(alert, previous?.assignee ?? alert.assignee);
  }

  @Authorized(READ_ROLES)
  @Query(() => FollowUpMetrics, {
    description:
      'The follow-up leaderboard over [from, to): closed-loop rate, median time to first action, outcomes and NPS per owner or team.',
  })
  async followUpMetrics(
    @Arg('from', () => DateTime, { description: 'Start of the range (inclusive).' }) from: Date,
    @Arg('to', () => DateTime, { description: 'End of the range (exclusive).' }) to: Date,
    @Arg('groupBy', () => MetricsGroupBy, { nullable: true, description: 'Default OWNER.' }) groupBy: MetricsGroupBy | null,
    @Ctx() ctx: Context,
  ): Promise<FollowUpMetrics> {
    const by = groupBy ?? MetricsGroupBy.OWNER;
    const metrics = await ctx.services.followUpMetrics.metrics(from, to, by, scopeOf(ctx));
    // Each owner (team) against its target in the key's scope; progress measured on the row's NPS at the period's end.
    return (await ctx.services.targets.onLeaderboard(metrics, by, scopeOf(ctx), to)) as unknown as FollowUpMetrics;
  }

  @FieldResolver(() => Response, { nullable: true, description: 'The response that raised it (null if it was deleted).' })
  async response(@Root() alert: Alert, @Ctx() ctx: Context): Promise<Response | null> {
    const response = await ctx.services.responses.get(alert.responseId);
    return response && visible(ctx, response.attributes) ? toResponse(response) : null;
  }

  @Authorized(SUBSCRIBE_ROLES)
  @Subscription(() => Alert, {
    topics: 'ALERT_RAISED',
    filter: async ({ payload, args, context }: SubscriptionHandlerData<AlertRaisedMessage, { assignee?: string | null }, Context>) =>
      (!args.assignee || args.assignee === payload.assignee) && (await deliverableTo(context, payload)),
    description:
      'Each alert as soon as it is raised (routing rules with the SUBSCRIPTION channel), from any worker, on any API instance; `assignee` narrows to one owner’s alerts.',
  })
  async atRiskAlert(
    @Root() message: AlertRaisedMessage,
    @Arg('assignee', () => String, { nullable: true, description: 'Only alerts assigned to this owner.' }) _assignee: string | null,
    @Ctx() ctx: Context,
  ): Promise<Alert> {
    const alert = await ctx.services.alerts.get(message.alertId, scopeOf(ctx));
    if (!alert) throw new AppError('NOT_FOUND', `alert ${message.alertId} not found`, { id: message.alertId });
    return toAlert(alert);
  }

  @Authorized(SUBSCRIBE_ROLES)
  @Subscription(() => Alert, {
    topics: 'ALERT_UPDATED',
    filter: async ({ payload, args, context }: SubscriptionHandlerData<AlertUpdatedMessage, { assignee?: string | null }, Context>) =>
      (!args.assignee || args.assignee === payload.assignee || args.assignee === payload.previousAssignee) &&
      (await deliverableTo(context, payload)),
    description:
      'Each change of an alert (acknowledged, reassigned, resolved), from any API instance, so open inboxes stay current; `assignee` narrows to one owner’s alerts (before or after a reassignment).',
  })
  async alertUpdated(
    @Root() message: AlertUpdatedMessage,
    @Arg('assignee', () => String, { nullable: true, description: 'Only alerts assigned to this owner, before or after the change.' })
    _assignee: string | null,
    @Ctx() ctx: Context,
  ): Promise<Alert> {
    return this.atRiskAlert(message, null, ctx);
  }
}

/** The subscriber's key is still valid and the alert's response is within its scope. */
async function deliverableTo(ctx: Context, message: AlertRaisedMessage): Promise<boolean> {
  if (!ctx.caller || !(await ctx.services.apiKeys.byHash(ctx.caller.keyId))) return false;
  return visible(ctx, message.attributes);
}

@Resolver(() => AtRiskCustomer)
export class AtRiskCustomerResolver {
  @Authorized(READ_ROLES)
  @Query(() => AtRiskCustomerConnection, {
    description: 'Customers by their latest churn risk, highest first, with reasons, score trend, owner and open follow-up.',
  })
  async atRiskCustomers(
    @Arg('filter', () => AtRiskCustomerFilter, { nullable: true, description: 'Which customers; all when omitted.' })
    filter: AtRiskCustomerFilter | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, default 20.' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<AtRiskCustomerConnection> {
    // A scoped caller gets each customer as seen through in-scope responses and alerts only (the service builds that view).
    const page = await ctx.services.atRiskCustomers.list(filter ?? {}, first, after, scopeOf(ctx));
    return toConnection(
      mapPage(page, ({ customer, risk, trend, owner, openAlert }) => ({
        customer: toCustomer(customer),
        risk: { score: risk.score, level: risk.level, reasons: risk.reasons },
        trend,
        owner,
        openFollowUp: openAlert ? toAlert(openAlert) : null,
        lastVerbatim: null,
        riskResponseId: risk.responseId.toHexString(),
      })),
    );
  }

  @FieldResolver(() => String, { nullable: true, description: 'The verbatim of the response the risk was computed from.' })
  async lastVerbatim(@Root() row: AtRiskCustomer, @Ctx() ctx: Context): Promise<string | null> {
    const response = await ctx.services.responses.get(row.riskResponseId);
    return response && visible(ctx, response.attributes) ? response.comment : null;
  }
}
