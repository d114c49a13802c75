/** Wires the services from their dependencies; src/composition.ts calls it once per process. */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Database } from '../../models/database.js';
import { CustomerQueryService } from './customer-query.service.js';
import { IngestService } from './pipeline/ingest.service.js';
import { InsightsService } from './insights/insights.service.js';
import type { TaxonomyPort } from './insights/reports/context.js';
import { RollupStore } from './insights/rollups/rollup-store.js';
import { emergingEmbedderFromConfig } from './insights/emerging-embedder.js';
import { BackfillService } from './pipeline/backfill.service.js';
import type { PipelineQueue } from './pipeline/ports.js';
import { PipelineStatusService } from './pipeline/pipeline-status.service.js';
import { ResponseQueryService } from './response-query.service.js';
import { TaxonomyService } from './taxonomy.service.js';
import { NO_EVENTS, type EventPublisher } from './events.js';
import type { WebhookDeliveryQueue } from './webhooks/ports.js';
import { WebhookEventPublisher } from './webhooks/webhook-publisher.js';
import { WebhookService } from './webhooks/webhook.service.js';
import { SecretBox } from './webhooks/secret-box.js';
import { targetPolicyFor } from './webhooks/target-policy.js';
import { ApiKeyService } from './auth/api-key.service.js';
import { createAlertServices, type AlertServices } from './alerts/index.js';
import type { RuleChanges } from './alerts/rule-cache.js';
import { CorrectionService } from './corrections/correction.service.js';
import { AdapterService } from './corrections/adapter.service.js';
import { BenchmarkService, loadBenchmarks } from './benchmarks/benchmark.service.js';
import { WeeklyReportService } from './reports/weekly-report.service.js';
import { ReportRepository } from '../../models/report/report.repository.js';
import { reportModels } from '../../models/report/report.schema.js';
import { createSmtpMailer, type Mailer } from './reports/mailer.js';
import { NotificationService, type NotificationQueue } from './notifications/notification.service.js';
import { NotificationRepository } from '../../models/notification/notification.repository.js';
import { notificationModels } from '../../models/notification/notification.schema.js';
import { ReportDeliveryService } from './reports/report-delivery.service.js';
import { ReportSubscriptionService } from './reports/report-subscription.service.js';
import { createProgrammeServices, type ProgrammeServices } from './programme/index.js';
import { TargetService } from './goals/target.service.js';

export interface Services extends AlertServices, ProgrammeServices {
  ingest: IngestService;
  responses: ResponseQueryService;
  customers: CustomerQueryService;
  insights: InsightsService;
  /** Keeps the insight rollups: the after-analysis hook calls `rollups.record(responses)` after each analysis write. */
  rollups: RollupStore;
  /** Theme taxonomy management (every change bumps the version and starts a backfill). */
  taxonomy: TaxonomyService;
  /** Re-analysis backfills after taxonomy changes, and their progress. */
  backfills: BackfillService;
  /** Analysis progress (import batches, queue counts). */
  pipeline: PipelineStatusService;
  /** Domain events out to other services (signed webhook deliveries). */
  events: EventPublisher;
  /** Webhook endpoints and their delivery log. */
  webhooks: WebhookService;
  /** API keys: creation, revocation and authentication of callers. */
  apiKeys: ApiKeyService;
  /** People's corrections of analyses (they win over the engine in every query). */
  corrections: CorrectionService;
  /** The adapter learned from corrections: trained by a maintenance job, applied by the analysis. */
  adapters: AdapterService;
  /** Waits for the services' pending writes and stops their timers (the composition root closes the connections after). */
  close(): Promise<void>;
  /** Published industry NPS benchmarks. */
  benchmarks: BenchmarkService;
  /** Weekly reports of a scope (data, HTML, text). */
  reports: WeeklyReportService;
  /** Who gets which scope's weekly report, when. */
  reportSubscriptions: ReportSubscriptionService;
  /** Scheduled sending of subscribed reports (worker side). */
  reportDeliveries: ReportDeliveryService;
  /** NPS targets per scope, team or owner, and progress against them. */
  targets: TargetService;
  /** People notifications of alerts: preferences, planning, sending, digests, the delivery log. */
  notifications: NotificationService;
}

export interface ServiceDeps {
  config: Config;
  db: Database;
  /** The analysis queue (BullMQ in production): scheduling, backfills, counts. */
  scheduler: PipelineQueue;
  log: Logger;
  /** The taxonomy in force (labels, emerging-theme coverage); the built-in default when absent. */
  taxonomy?: TaxonomyPort;
  /** The webhook delivery queue; without one, events go nowhere. */
  webhookQueue?: WebhookDeliveryQueue;
  /** The notification send queue; without one, notifications wait for the worker's round. */
  notificationQueue?: NotificationQueue;
  /** The clock of schedules: report subscriptions, the survey programme (tests move it). */
  now?: () => Date;
  /** Routing-rule changes across processes (Redis pub/sub); without it other processes see them after a few seconds. */
  ruleChanges?: RuleChanges;
}

export function createServices(deps: ServiceDeps): Services {
  const mailer = deps.config.VERBATIM_SMTP_URL ? createSmtpMailer(deps.config.VERBATIM_SMTP_URL, deps.config.VERBATIM_MAIL_FROM) : null;
  const services = createCoreServices({ ...deps, mailer });
  const benchmarks = new BenchmarkService(loadBenchmarks(), deps.config.VERBATIM_BENCHMARK_INDUSTRY ?? null);
  const now = deps.now ?? (() => new Date());
  const targets = new TargetService({
    targets: deps.db.targets,
    responses: services.responses,
    ownerAttribute: deps.config.VERBATIM_OWNER_ATTRIBUTE,
    teamAttribute: deps.config.VERBATIM_TEAM_ATTRIBUTE,
    maxPageSize: deps.config.VERBATIM_MAX_PAGE_SIZE,
    now,
  });
  const reports = new WeeklyReportService({
    responses: services.responses,
    insights: services.insights,
    followUps: services.followUpMetrics,
    benchmarks,
    targets,
    maxPageSize: deps.config.VERBATIM_MAX_PAGE_SIZE,
    now,
  });
  const reportRepository = new ReportRepository(reportModels(deps.db.connection));
  const { config } = deps;
  const reportDeliveries = new ReportDeliveryService({
    reports: reportRepository,
    weekly: reports,
    mailer,
    events: services.events,
    now,
    log: deps.log,
  });
  const reportSubscriptions = new ReportSubscriptionService({ reports: reportRepository, now, maxPageSize: config.VERBATIM_MAX_PAGE_SIZE });
  return { ...services, benchmarks, targets, reports, reportSubscriptions, reportDeliveries };
}

function createCoreServices({
  config,
  db,
  scheduler,
  log,
  taxonomy,
  webhookQueue,
  notificationQueue,
  now,
  mailer,
  ruleChanges,
}: ServiceDeps & { mailer: Mailer | null }): Omit<
  Services,
  'benchmarks' | 'targets' | 'reports' | 'reportSubscriptions' | 'reportDeliveries' | 'journey'
> {
  const backfills = new BackfillService({ taxonomy: db.taxonomy, responses: db.responseAnalysis, queue: scheduler, log });
  const taxonomyService = new TaxonomyService({ taxonomy: db.taxonomy, backfills, log });
  taxonomy ??= taxonomyService;
  const rollups = new RollupStore({ rollups: db.rollups, log }, { warmAfterWrites: true });
  // Emerging themes cluster by meaning when the transformer engine is configured; loaded on their first query.
  const embedder = emergingEmbedderFromConfig(config, log);
  const events: EventPublisher = webhookQueue ? new WebhookEventPublisher({ webhooks: db.webhooks, queue: webhookQueue, log }) : NO_EVENTS;
  const secrets = new SecretBox(config.VERBATIM_WEBHOOK_SECRET_KEY);
  const targets = targetPolicyFor(config.VERBATIM_WEBHOOK_ALLOW_HOSTS);
  const notifications = new NotificationService({
    repo: new NotificationRepository(notificationModels(db.connection)),
    alerts: db.alerts,
    responses: db.responses,
    mailer,
    queue: notificationQueue ?? null,
    targets,
    secrets,
    timeoutMs: config.VERBATIM_WEBHOOK_TIMEOUT_MS,
    maxPageSize: config.VERBATIM_MAX_PAGE_SIZE,
    now: now ?? (() => new Date()),
    log,
  });
  const programme = createProgrammeServices({ config, db, events, log, clock: now });
  return {
    ingest: new IngestService({
      responses: db.responses,
      customers: db.customers,
      scheduler,
      log,
      limits: {
        maxCommentLength: config.VERBATIM_MAX_COMMENT_LENGTH,
        clockSkewSeconds: config.VERBATIM_CLOCK_SKEW_SECONDS,
        maxImportRows: config.VERBATIM_MAX_IMPORT_ROWS,
      },
      accountValueBands: config.VERBATIM_ACCOUNT_VALUE_BANDS,
    }),
    responses: new ResponseQueryService({ responses: db.responses, maxPageSize: config.VERBATIM_MAX_PAGE_SIZE }),
    customers: new CustomerQueryService({ customers: db.customers, responses: db.responses }),
    rollups,
    taxonomy: taxonomyService,
    backfills,
    pipeline: new PipelineStatusService({ responses: db.responseAnalysis, openEffects: db.openEffects, queue: scheduler }),
    events,
    ...createAlertServices({
      config,
      db,
      events,
      log,
      notifier: notifications,
      calendar: () => programme.programme.calendar(),
      ruleChanges,
    }),
    ...programme,
    notifications,
    webhooks: new WebhookService({
      webhooks: db.webhooks,
      log,
      maxEndpoints: config.VERBATIM_WEBHOOK_MAX_ENDPOINTS,
      maxPerKey: config.VERBATIM_WEBHOOKS_PER_KEY,
      maxPageSize: config.VERBATIM_MAX_PAGE_SIZE,
      secrets,
      targets,
    }),
    apiKeys: new ApiKeyService({ keys: db.apiKeys, log, cacheTtlMs: config.VERBATIM_API_KEY_CACHE_SECONDS * 1000 }),
    adapters: new AdapterService({ adapters: db.adapters, taxonomy: db.taxonomy, backfills, log }),
    corrections: new CorrectionService({
      responses: db.responses,
      analysisState: db.responseAnalysis,
      taxonomy: taxonomyService,
      rollups,
      log,
    }),
    insights: new InsightsService({
      store: rollups,
      responses: db.insightResponses,
      taxonomy,
      log,
      emergingSample: config.VERBATIM_EMERGING_SAMPLE,
      embedder,
      maxScan: config.VERBATIM_INSIGHTS_MAX_SCAN,
      maxTrendPoints: config.VERBATIM_MAX_TREND_POINTS,
    }),
    close: async () => {
      await rollups.close();
      await embedder.dispose();
    },
  };
}
