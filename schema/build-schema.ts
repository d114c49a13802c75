/** Builds the executable schema from the resolvers; the single list of resolvers lives here. */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import type { PubSub } from '../src/pubsub.js';
import { CustomerResolver } from './customer/customer.resolver.js';
import { InsightsResolver } from './insights/insights.resolver.js';
import { ImportProgressResolver, ResponseAnalyzedResolver } from './pipeline/pipeline.resolver.js';
import { ResponseConnectionResolver, ResponseResolver } from './response/response.resolver.js';
import { TaxonomyResolver } from './taxonomy/taxonomy.resolver.js';
import { ApiKeyResolver } from './auth/api-key.resolver.js';
import { authChecker, enforceRootAccess } from './auth/auth-checker.js';
import { WebhookResolver } from './webhooks/webhook.resolver.js';
import { AlertResolver, AtRiskCustomerResolver } from './alerts/alert.resolver.js';
import { RoutingRuleResolver } from './routing/routing-rule.resolver.js';
import { CorrectionResolver } from './corrections/correction.resolver.js';
import { BenchmarkResolver, NpsBenchmarkResolver } from './benchmarks/benchmark.resolver.js';
import { ReportResolver } from './reports/report.resolver.js';
import { ReportSubscriptionResolver } from './reports/report-subscription.resolver.js';
import { ProgrammeResolver } from './programme/programme.resolver.js';
import { FollowUpTargetResolver, NpsTargetResolver, ReportTargetResolver, TargetResolver } from './goals/target.resolver.js';
import { NotificationResolver } from './notifications/notification.resolver.js';
import { TeamResolver } from './teams/team.resolver.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's buildSchema takes resolver classes as Function
const RESOLVERS: NonEmptyArray<Function> = [
  ResponseResolver,
  ResponseConnectionResolver,
  CustomerResolver,
  InsightsResolver,
  TaxonomyResolver,
  ImportProgressResolver,
  ResponseAnalyzedResolver,
  ApiKeyResolver,
  WebhookResolver,
  AlertResolver,
  AtRiskCustomerResolver,
  RoutingRuleResolver,
  CorrectionResolver,
  BenchmarkResolver,
  NpsBenchmarkResolver,
  ReportResolver,
  ReportSubscriptionResolver,
  ProgrammeResolver,
  TargetResolver,
  NpsTargetResolver,
  FollowUpTargetResolver,
  ReportTargetResolver,
  NotificationResolver,
  TeamResolver,
];

export async function buildVerbatimSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  // One instance per resolver class; the alert resolver publishes the changes its mutations make.
  const instances = new Map<unknown, unknown>([[AlertResolver, new AlertResolver(pubSub)]]);
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    pubSub,
    container: {
      get: (cls: new () => unknown) => {
        if (!instances.has(cls)) instances.set(cls, new cls());
        return instances.get(cls);
      },
    },
    // Roles per field (docs/security.md); root fields without @Authorized are ADMIN-only.
    authChecker,
    // Input rules live in the services (shared with the CLI), not in class-validator decorators.
    validate: false,
  });
  describeRootTypes(schema);
  return enforceRootAccess(schema);
}

/** type-graphql has no option for root-type descriptions; the schema must describe every type (schema-descriptions test). */
function describeRootTypes(schema: GraphQLSchema): void {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  if (query) query.description = 'Reads; each field names the roles it needs, and MANAGER keys see only their scope.';
  if (mutation) mutation.description = 'Writes; root fields without a listed role are ADMIN-only.';
  if (subscription) subscription.description = 'Live events over graphql-ws, filtered to the key’s scope.';
}
