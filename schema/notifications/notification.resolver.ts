/** Notification preferences and the delivery log: ADMIN keys only (they name people and reach their inboxes). */
import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { NotificationDeliveryEntity, NotificationPreferenceEntity } from '../../models/notification/notification.entity.js';
import { channelsOf } from '../../src/services/notifications/notification.service.js';
import { toConnection } from '../common/page-info.js';
import type { Context } from '../context.js';
import {
  type NotificationChannel,
  type NotificationDelivery,
  NotificationDeliveryConnection,
  NotificationDeliveryFilter,
  type NotificationKind,
  type NotificationMode,
  NotificationPreferences,
  NotificationPreferencesConnection,
  NotificationPreferencesInput,
  type NotificationStatus,
} from './notification.types.js';

function toPreferences(p: NotificationPreferenceEntity): NotificationPreferences {
  return {
    recipient: p._id,
    email: p.email,
    slackWebhookUrl: p.slackWebhookUrl,
    teamsWebhookUrl: p.teamsWebhookUrl,
    smsWebhookUrl: p.smsWebhookUrl,
    phone: p.phone,
    channels: channelsOf(p) as NotificationChannel[],
    mode: p.mode as NotificationMode,
    digestHour: p.digestHour,
    timeZone: p.timeZone,
    updatedAt: p.updatedAt,
  };
}

function toDelivery(d: NotificationDeliveryEntity): NotificationDelivery {
  return {
    id: d._id,
    kind: d.kind as NotificationKind,
    alertId: d.alertId,
    recipient: d.recipient,
    preferenceId: d.preferenceId,
    channel: d.channel as NotificationChannel,
    status: d.status as NotificationStatus,
    period: d.period,
    digestId: d.digestId,
    attempts: d.attempts,
    lastError: d.lastError,
    queuedAt: d.queuedAt,
    sentAt: d.sentAt,
  };
}

@Resolver()
export class NotificationResolver {
  @Authorized(['ADMIN'])
  @Mutation(() => NotificationPreferences, {
    description:
      'Sets how a person or team is told about alerts raised for or assigned to them (and escalations): e-mail, Slack, Teams, SMS gateway, immediately or as a daily digest. Invalid input fails with BAD_USER_INPUT naming the field.',
  })
  async setNotificationPreferences(
    @Arg('input', () => NotificationPreferencesInput, { description: 'The recipient’s preferences; replaces every stored field.' })
    input: NotificationPreferencesInput,
    @Ctx() ctx: Context,
  ): Promise<NotificationPreferences> {
    const { notifications } = ctx.services;
    return toPreferences(notifications.view(await notifications.setPreferences(input)));
  }

  @Authorized(['ADMIN'])
  @Query(() => NotificationPreferencesConnection, { description: 'Every notification preference, by recipient.' })
  async notificationPreferences(
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<NotificationPreferencesConnection> {
    const { notifications } = ctx.services;
    const { edges, pageInfo } = toConnection(await notifications.preferencePage(first, after));
    return { nodes: edges.map((e) => toPreferences(notifications.view(e.node))), pageInfo };
  }

  @Authorized(['ADMIN'])
  @Query(() => NotificationDeliveryConnection, {
    description: 'The notification delivery log, newest first, with attempts and the last error.',
  })
  async notificationDeliveries(
    @Arg('filter', () => NotificationDeliveryFilter, { nullable: true, description: 'Narrows the log.' })
    filter: NotificationDeliveryFilter | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<NotificationDeliveryConnection> {
    const { edges, pageInfo } = toConnection(await ctx.services.notifications.deliveries(filter ?? {}, first, after));
    return { nodes: edges.map((e) => toDelivery(e.node)), pageInfo };
  }
}
