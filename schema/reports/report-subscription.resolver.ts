/** Report subscriptions and their delivery log; a scoped MANAGER manages only its own scope's. */
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { ReportDeliveryEntity, ReportSubscriptionEntity } from '../../models/report/report.entity.js';
import type { Context } from '../context.js';
import { READ_ROLES } from '../auth/roles.js';
import { assertRole } from '../auth/auth-checker.js';
import { scopeOf } from '../auth/scope.js';
import { reportScope } from './report.resolver.js';
import { CreateReportSubscriptionInput, ReportDelivery, ReportSubscription } from './report-subscription.types.js';
import type { ReportDeliveryStatus, ReportSchedule, Weekday } from './report-subscription.types.js';

const toSubscription = (s: ReportSubscriptionEntity): ReportSubscription => ({
  id: s._id.toHexString(),
  recipient: s.recipient,
  scope: s.scope,
  schedule: s.schedule as ReportSchedule,
  weekday: s.weekday as Weekday,
  hour: s.hour,
  timeZone: s.timeZone,
  createdAt: s.createdAt,
});

const toDelivery = (d: ReportDeliveryEntity): ReportDelivery => ({
  id: d._id.toHexString(),
  subscriptionId: d.subscriptionId.toHexString(),
  period: d.period,
  scheduledFor: d.scheduledFor,
  week: d.week,
  recipient: d.recipient,
  status: d.status as ReportDeliveryStatus,
  attempts: d.attempts,
  lastError: d.lastError,
  sentAt: d.sentAt,
});

@Resolver()
export class ReportSubscriptionResolver {
  @Authorized(READ_ROLES)
  @Mutation(() => ReportSubscription, {
    description: 'E-mails the weekly report of a scope to a recipient every week at a local weekday and hour.',
  })
  async createReportSubscription(
    @Arg('input', () => CreateReportSubscriptionInput, { description: 'Recipient, schedule and scope of the weekly report.' })
    input: CreateReportSubscriptionInput,
    @Ctx() ctx: Context,
  ): Promise<ReportSubscription> {
    const caller = assertRole(ctx.caller, READ_ROLES, 'createReportSubscription');
    const scope = reportScope(ctx, input.scope ?? null, 'input.scope');
    const recipient = { email: input.recipient.email, name: input.recipient.name ?? null };
    const created = await ctx.services.reportSubscriptions.create({ ...input, scope, recipient }, caller.keyId);
    return toSubscription(created);
  }

  @Authorized(READ_ROLES)
  @Query(() => [ReportSubscription], { description: "Report subscriptions within the key's scope." })
  async reportSubscriptions(@Ctx() ctx: Context): Promise<ReportSubscription[]> {
    return (await ctx.services.reportSubscriptions.list(scopeOf(ctx))).map(toSubscription);
  }

  @Authorized(READ_ROLES)
  @Mutation(() => Boolean, { description: 'Stops a report subscription (its delivery log stays).' })
  async deleteReportSubscription(
    @Arg('id', () => ID, { description: 'Id of the report subscription to delete.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.reportSubscriptions.delete(id, scopeOf(ctx));
  }

  @Authorized(READ_ROLES)
  @Query(() => [ReportDelivery], { description: 'Sent and pending report e-mails, newest first, with attempts and the last SMTP error.' })
  async reportDeliveries(
    @Arg('first', () => Int, { nullable: true, description: 'How many (default 50).' }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<ReportDelivery[]> {
    return (await ctx.services.reportSubscriptions.deliveries(scopeOf(ctx), first)).map(toDelivery);
  }
}
