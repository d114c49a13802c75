/** One connection, the models of every aggregate on it, and their repositories (src/composition.ts connects it). */
import mongoose, { type Connection } from 'mongoose';
import { customerModel } from './customer/customer.schema.js';
import { CustomerRepository } from './customer/customer.repository.js';
import { WriteLockRepository } from './lock/write-lock.repository.js';
import { responseModel } from './response/response.schema.js';
import { ResponseRepository } from './response/response.repository.js';
import { ResponseAnalysisRepository } from './response/response-analysis.repository.js';
import { openEffectsModel } from './response/open-effects.schema.js';
import { OpenEffectsRepository } from './response/open-effects.repository.js';
import { InsightResponseRepository } from './rollup/insight-responses.repository.js';
import { RollupRepository } from './rollup/rollup.repository.js';
import { rollupModels } from './rollup/rollup.schema.js';
import { TaxonomyRepository } from './taxonomy/taxonomy.repository.js';
import { taxonomyModels } from './taxonomy/taxonomy.schema.js';
import { WebhookRepository } from './webhook/webhook.repository.js';
import { webhookModels } from './webhook/webhook.schema.js';
import { alertModel } from './alert/alert.schema.js';
import { AlertRepository } from './alert/alert.repository.js';
import { AlertDueQueue, alertDueModel } from './alert/alert-due-queue.js';
import { OwnerNpsRepository } from './alert/owner-nps.repository.js';
import { routingRuleModel } from './routing/routing-rule.schema.js';
import { RoutingRuleRepository } from './routing/routing-rule.repository.js';
import { apiKeyModel } from './apikey/apikey.schema.js';
import { ApiKeyRepository } from './apikey/apikey.repository.js';
import { adapterModel } from './adapter/adapter.schema.js';
import { AdapterRepository } from './adapter/adapter.repository.js';
import { reportModels } from './report/report.schema.js';
import { programmeModels } from './programme/programme.schema.js';
import { targetModel } from './target/target.schema.js';
import { TargetRepository } from './target/target.repository.js';
import { notificationModels } from './notification/notification.schema.js';
import { TeamRepository } from './team/team.repository.js';
import { syncModelIndexes } from './index-sync.js';

export interface Database {
  connection: Connection;
  responses: ResponseRepository;
  customers: CustomerRepository;
  rollups: RollupRepository;
  insightResponses: InsightResponseRepository;
  /** The analysis pipeline's conditional writes and scans of responses. */
  responseAnalysis: ResponseAnalysisRepository;
  /** Analysed responses whose after-analysis effects are still owed, one document per batch. */
  openEffects: OpenEffectsRepository;
  taxonomy: TaxonomyRepository;
  /** Webhook endpoints, published events and the delivery log. */
  webhooks: WebhookRepository;
  /** Versions of the corrections adapter. */
  adapters: AdapterRepository;
  /** Follow-up cases raised for at-risk responses. */
  alerts: AlertRepository;
  routingRules: RoutingRuleRepository;
  /** NPS per owner and team, read from the responses. */
  ownerNps: OwnerNpsRepository;
  apiKeys: ApiKeyRepository;
  /** NPS targets (goals) per scope, team or owner. */
  targets: TargetRepository;
  /** Teams (members, lead, cap, rotation; their daily capacity lives on the same document). */
  teams: TeamRepository;
  /** Creates missing indexes of every model (idempotent; on the embedded FerretDB only the unique ones). */
  syncIndexes(): Promise<void>;
  /** Closes the pool; after `graceMs` (if given) operations still running are cut off. */
  close(graceMs?: number): Promise<void>;
}

export interface ConnectOptions {
  uri: string;
  /** Used when the URI names no database. */
  dbName?: string;
  serverSelectionTimeoutMS?: number;
}

export async function connectDatabase(options: ConnectOptions): Promise<Database> {
  mongoose.set('strictQuery', true);
  const hasDbInUri = /^mongodb(\+srv)?:\/\/[^/]+\/[^?]+/.test(options.uri);
  const connection = mongoose.createConnection(options.uri, {
    dbName: hasDbInUri ? undefined : options.dbName,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
    // Index builds are explicit (syncIndexes) so a replica never races another at start.
    autoIndex: false,
  });
  await connection.asPromise();
  const models = { responses: responseModel(connection), customers: customerModel(connection) };
  // Registered here so syncIndexes builds their indexes; the report services take the models from the connection.
  reportModels(connection);
  programmeModels(connection);
  notificationModels(connection);
  return {
    connection,
    responses: new ResponseRepository(models.responses),
    customers: new CustomerRepository(models.customers, new WriteLockRepository(connection)),
    rollups: new RollupRepository(rollupModels(connection)),
    insightResponses: new InsightResponseRepository(models.responses),
    responseAnalysis: new ResponseAnalysisRepository(models.responses),
    openEffects: new OpenEffectsRepository(openEffectsModel(connection), models.responses),
    taxonomy: new TaxonomyRepository(taxonomyModels(connection)),
    webhooks: new WebhookRepository(webhookModels(connection)),
    adapters: new AdapterRepository(adapterModel(connection), models.responses),
    alerts: new AlertRepository(alertModel(connection), new AlertDueQueue(alertDueModel(connection))),
    routingRules: new RoutingRuleRepository(routingRuleModel(connection)),
    ownerNps: new OwnerNpsRepository(models.responses),
    apiKeys: new ApiKeyRepository(apiKeyModel(connection)),
    targets: new TargetRepository(targetModel(connection)),
    teams: new TeamRepository(connection),
    async syncIndexes() {
      await syncModelIndexes(connection);
    },
    async close(graceMs?: number) {
      const graceful = connection.close();
      if (graceMs === undefined) return graceful;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      const outcome = await Promise.race([graceful, late]);
      clearTimeout(timer);
      if (outcome === 'late') await connection.close(true);
    },
  };
}
