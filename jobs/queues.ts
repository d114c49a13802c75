/** Every queue and job name in one place. Payloads carry ids only; handlers reload from MongoDB. */

export const QUEUES = {
  /** One job per response and analysis revision. */
  analysis: 'analysis',
  /** Housekeeping: the reconciler, the webhook outbox drain and log pruning (repeatable) and taxonomy backfills. */
  maintenance: 'maintenance',
  /** One job per webhook endpoint and event: a signed delivery, retried for hours. */
  webhooks: 'webhooks',
  /** The SLA sweep over open alerts (repeatable). */
  alerts: 'alerts',
  /** Subscribed weekly reports: the repeatable due-check and one send job per delivery. */
  reports: 'reports',
  /** The survey programme's planner tick (repeatable; the planner claims each tick once). */
  dispatch: 'dispatch',
  /** People notifications of alerts: one send job per message, and the repeatable round (digests, re-queueing). */
  notifications: 'notifications',
} as const;

export const JOBS = {
  analyzeResponse: 'analyze-response',
  reconcile: 'reconcile',
  taxonomyBackfill: 'taxonomy-backfill',
  deliverWebhook: 'deliver-webhook',
  alertSlaCheck: 'alert-sla-check',
  pruneWebhookLog: 'prune-webhook-log',
  drainWebhookOutbox: 'drain-webhook-outbox',
  /** Retrains the corrections adapter when corrections changed (repeatable). */
  trainAdapter: 'train-corrections-adapter',
  reportSchedule: 'report-schedule',
  sendReport: 'send-report',
  dispatchPlan: 'dispatch-plan',
  notificationRound: 'notification-round',
  sendNotification: 'send-notification',
} as const;

export interface SendNotificationPayload {
  /** The delivery row (notification_deliveries) to send. */
  deliveryId: string;
}

export interface SendReportPayload {
  subscriptionId: string;
  /** Local date of the scheduled slot. */
  period: string;
}

/** Nothing: the SLA sweep reads the open alerts from MongoDB. */
export type AlertSlaCheckPayload = Record<string, never>;

export interface AnalyzeResponsePayload {
  responseId: string;
  revision: number;
  requestId?: string | null;
}

/** Nothing: the reconciler reads what it needs from MongoDB. */
export type ReconcilePayload = Record<string, never>;

export interface TaxonomyBackfillPayload {
  version: number;
}

export type MaintenancePayload = ReconcilePayload | TaxonomyBackfillPayload;

export interface DeliverWebhookPayload {
  webhookId: string;
  eventId: string;
}
