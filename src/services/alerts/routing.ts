/**
 * Routing decisions, pure: the first enabled rule (by position) that matches a response wins;
 * when none does, the built-in default route takes at-risk detractors, so no alert is unrouted.
 */
import type { NpsCategory } from '../../domain/nps.js';
import type { Attribute } from '../../../models/response/response.entity.js';
import type { AlertChannel, FollowUpTask, RoutingRuleEntity } from '../../../models/routing/routing-rule.entity.js';
import { levelAtLeast, type RiskLevel } from '../risk/churn-risk.js';

export interface RoutingFacts {
  category: NpsCategory;
  riskLevel: RiskLevel;
  touchpoint: string | null;
  themeKeys: string[];
  attributes: Attribute[];
}

export interface RoutingDefaults {
  /** Attribute naming the owner (default `account_manager`). */
  ownerAttribute: string;
  /** Queue that takes what has no owner (default `unassigned`). */
  fallbackAssignee: string;
  slaHours: number;
  /** Lowest risk level at which the default route raises an alert for a detractor. */
  minRiskLevel: RiskLevel;
}

export interface Route {
  ruleId: string | null;
  ruleName: string;
  assignee: string;
  team: string | null;
  slaHours: number;
  /** Count the SLA in business hours (the business calendar). */
  slaBusinessHours: boolean;
  channels: AlertChannel[];
  task: FollowUpTask;
}

export const DEFAULT_ROUTE_ID = 'default';
export const ALL_CHANNELS: AlertChannel[] = ['SUBSCRIPTION', 'WEBHOOK'];

/** The task that fits a category when a rule does not name one. */
export function taskFor(category: NpsCategory): FollowUpTask {
  if (category === 'PROMOTER') return 'THANK_AND_ASK_REVIEW';
  if (category === 'PASSIVE') return 'ASK_WHAT_WOULD_MAKE_IT_A_10';
  return 'RECOVERY_CALL';
}

function ruleMatches(rule: RoutingRuleEntity, facts: RoutingFacts): boolean {
  const m = rule.match;
  if (m.categories.length && !m.categories.includes(facts.category)) return false;
  if (m.minRiskLevel && !levelAtLeast(facts.riskLevel, m.minRiskLevel)) return false;
  if (m.touchpoints.length && !m.touchpoints.includes(facts.touchpoint ?? '')) return false;
  if (m.themes.length && !m.themes.some((t) => facts.themeKeys.includes(t))) return false;
  return m.attributes.every((want) => facts.attributes.some((a) => a.key === want.key && want.values.includes(a.value)));
}

function attributeValue(attributes: Attribute[], key: string | null): string | null {
  if (!key) return null;
  const value = attributes.find((a) => a.key === key)?.value?.trim();
  return value ? value : null;
}

export function resolveAssignee(rule: RoutingRuleEntity, attributes: Attribute[], fallback: string): string {
  const a = rule.assign;
  if (a.mode === 'FIXED') return a.assignee ?? fallback;
  const value = attributeValue(attributes, a.attribute);
  if (a.mode === 'ATTRIBUTE') return value ?? a.assignee ?? fallback;
  const mapped = value == null ? undefined : a.mapping.find((m) => m.value === value)?.assignee;
  return mapped ?? a.assignee ?? fallback;
}

export function chooseRoute(rules: readonly RoutingRuleEntity[], facts: RoutingFacts, defaults: RoutingDefaults): Route | null {
  const rule = [...rules].sort((a, b) => a.position - b.position).find((r) => r.enabled && ruleMatches(r, facts));
  if (rule) {
    return {
      ruleId: rule._id,
      ruleName: rule.name,
      assignee: resolveAssignee(rule, facts.attributes, defaults.fallbackAssignee),
      team: rule.team,
      slaHours: rule.slaHours,
      slaBusinessHours: rule.slaBusinessHours ?? false,
      channels: rule.channels,
      task: rule.task,
    };
  }
  if (facts.category !== 'DETRACTOR' || !levelAtLeast(facts.riskLevel, defaults.minRiskLevel)) return null;
  return {
    ruleId: null,
    ruleName: 'default',
    assignee: attributeValue(facts.attributes, defaults.ownerAttribute) ?? defaults.fallbackAssignee,
    team: null,
    slaHours: defaults.slaHours,
    slaBusinessHours: false,
    channels: ALL_CHANNELS,
    task: 'RECOVERY_CALL',
  };
}
