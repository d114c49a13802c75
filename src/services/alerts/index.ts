/** Wires the churn-risk and closed-loop services (createServices spreads these into Services). */
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Database } from '../../../models/database.js';
import { CustomerQueryService } from '../customer-query.service.js';
import type { EventPublisher } from '../events.js';
import { ChurnRiskService } from '../risk/risk.service.js';
import { riskSettingsFrom } from '../risk/risk-settings.js';
import { AlertService, type AlertNotifier, type CalendarSource } from './alert.service.js';
import { AtRiskCustomersService } from './at-risk-customers.service.js';
import { FollowUpMetricsService } from './follow-up-metrics.service.js';
import { RoutingRuleService } from './routing-rules.service.js';
import { RuleCache, type RuleChanges } from './rule-cache.js';
import { SlippingPromotersService } from './slipping-promoters.service.js';
import { TeamRotation } from '../teams/team-rotation.js';
import { TeamService } from '../teams/team.service.js';

export interface AlertServices {
  /** Scores and stores the churn risk of analysed responses (worker side). */
  churnRisk: ChurnRiskService;
  /** Alerts (follow-up cases): raising, lifecycle, inbox, SLA sweep. */
  alerts: AlertService;
  routingRules: RoutingRuleService;
  followUpMetrics: FollowUpMetricsService;
  atRiskCustomers: AtRiskCustomersService;
  /** Teams sharing follow-ups (setTeam, teams); routing rules with assignMode TEAM hand out round-robin. */
  teams: TeamService;
  /** Customers whose previous answer was ≥ 9 and now ≤ 8, with their follow-ups. */
  slippingPromoters: SlippingPromotersService;
}

export function createAlertServices({
  config,
  db,
  events,
  log,
  notifier,
  calendar,
  ruleChanges,
}: {
  config: Config;
  db: Database;
  events: EventPublisher;
  log: Logger;
  /** People notifications (assignees, escalations). */
  notifier?: AlertNotifier;
  /** The business calendar of SLAs in business hours. */
  calendar?: CalendarSource;
  /** Rule edits made by other processes (without it, they show after the cache's few seconds). */
  ruleChanges?: RuleChanges;
}): AlertServices {
  const { alerts, routingRules: rules } = db;
  const ruleCache = new RuleCache(rules);
  // A rule created on one API instance applies to the very next response every worker routes.
  ruleChanges?.subscribe(() => ruleCache.invalidate());
  const teams = new TeamService({ teams: db.teams });
  return {
    teams,
    slippingPromoters: new SlippingPromotersService({ alerts, maxPageSize: config.VERBATIM_MAX_PAGE_SIZE }),
    churnRisk: new ChurnRiskService({
      responses: db.responses,
      customers: db.customers,
      settings: riskSettingsFrom(config),
    }),
    alerts: new AlertService({
      alerts,
      rules: ruleCache,
      events,
      defaults: {
        ownerAttribute: config.VERBATIM_OWNER_ATTRIBUTE,
        fallbackAssignee: config.VERBATIM_FALLBACK_ASSIGNEE,
        slaHours: config.VERBATIM_DEFAULT_SLA_HOURS,
        minRiskLevel: config.VERBATIM_ALERT_MIN_LEVEL,
        followUpCategories: config.VERBATIM_FOLLOW_UP_CATEGORIES,
        reviewUrl: config.VERBATIM_REVIEW_URL ?? null,
      },
      teams: new TeamRotation({ teams: db.teams, alerts }),
      maxAgeDays: config.VERBATIM_ALERT_MAX_AGE_DAYS,
      maxPageSize: config.VERBATIM_MAX_PAGE_SIZE,
      log,
      notifier,
      calendar,
    }),
    routingRules: new RoutingRuleService({
      rules,
      cache: {
        invalidate() {
          ruleCache.invalidate();
          ruleChanges?.publish();
        },
      },
      defaultSlaHours: config.VERBATIM_DEFAULT_SLA_HOURS,
      ownerAttribute: config.VERBATIM_OWNER_ATTRIBUTE,
      teamExists: (name) => teams.exists(name),
    }),
    followUpMetrics: new FollowUpMetricsService({
      alerts,
      ownerNps: db.ownerNps,
      ownerAttribute: config.VERBATIM_OWNER_ATTRIBUTE,
      teamAttribute: config.VERBATIM_TEAM_ATTRIBUTE,
    }),
    atRiskCustomers: new AtRiskCustomersService({
      customers: db.customers,
      alerts,
      views: new CustomerQueryService({ customers: db.customers, responses: db.responses }),
      ownerAttribute: config.VERBATIM_OWNER_ATTRIBUTE,
      maxPageSize: config.VERBATIM_MAX_PAGE_SIZE,
    }),
  };
}
