/**
 * Routing decisions, pure: the first enabled rule (by position) that matches a response wins;
 * when none does, the built-in default route takes at-risk detractors and, as configured
 * (VERBATIM_FOLLOW_UP_CATEGORIES), passives and promoters, plus every slipping promoter.
 * The task of each follow-up comes from follow-up-tasks.ts.
 */
import type { NpsCategory } from '../../domain/nps.js';
import type { Attribute } from '../../../models/response/response.entity.js';
import type { AlertChannel, FollowUpTask, RoutingRuleEntity } from '../../../models/routing/routing-rule.entity.js';
import { levelAtLeast, type RiskLevel } from '../risk/churn-risk.js';
import { isSlippingPromoter, taskFor } from './follow-up-tasks.js';

export interface RoutingFacts {
  category: NpsCategory;
  riskLevel: RiskLevel;
  touchpoint: string | null;
  themeKeys: string[];
  attributes: Attribute[];
  /** Score of the customer's previous comparable response (as in the "Score slipping" risk reason). */
  previousScore?: number | null;
  /** The response's score (slipping promoters: previous ≥ 9, this ≤ 8). */
  score?: number;
}

export interface RoutingDefaults {
  /** Attribute naming the owner (default `account_manager`). */
  ownerAttribute: string;
  /** Queue that takes what has no owner (default `unassigned`). */
  fallbackAssignee: string;
  slaHours: number;
  /** Lowest risk level at which the default route raises an alert for a detractor. */
  minRiskLevel: RiskLevel;
  /** Categories the default route follows up (VERBATIM_FOLLOW_UP_CATEGORIES); absent: detractors only. */
  followUpCategories?: readonly NpsCategory[];
  /** Review link of promoter follow-ups whose rule names none (VERBATIM_REVIEW_URL). */
  reviewUrl?: string | null;
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
  /** Review link of a THANK_AND_ASK_REVIEW task, else null. */
  reviewUrl: string | null;
  /** Previous answer ≥ 9, this one ≤ 8: the task is ASK_WHAT_CHANGED. */
  slippingPromoter: boolean;
  /** Assign round-robin among the members of `team` (assignMode TEAM); `assignee` is the fallback. */
  roundRobin: boolean;
}

export const DEFAULT_ROUTE_ID = 'default';
export const ALL_CHANNELS: AlertChannel[] = ['SUBSCRIPTION', 'WEBHOOK'];

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
  if (a.mode === 'FIXED' || a.mode === 'TEAM') return a.assignee ?? fallback;
  const value = attributeValue(attributes, a.attribute);
  if (a.mode === 'ATTRIBUTE') return value ?? a.assignee ?? fallback;
  const mapped = value == null ? undefined : a.mapping.find((m) => m.value === value)?.assignee;
  return mapped ?? a.assignee ?? fallback;
}

const slipping = (facts: RoutingFacts) => facts.score != null && isSlippingPromoter(facts.previousScore, facts.score);

/** The task a route gives: a slipping promoter is asked what changed; else the rule's (or the category's) task. */
function finishRoute(
  route: Omit<Route, 'reviewUrl' | 'slippingPromoter'>,
  facts: RoutingFacts,
  ruleReviewUrl: string | null,
  defaults: RoutingDefaults,
): Route {
  const slippingPromoter = slipping(facts);
  const task = slippingPromoter ? 'ASK_WHAT_CHANGED' : route.task;
  const reviewUrl = task === 'THANK_AND_ASK_REVIEW' ? (ruleReviewUrl ?? defaults.reviewUrl ?? null) : null;
  return { ...route, task, reviewUrl, slippingPromoter };
}

/** Whether the default route follows this response up: its category is configured (detractors from the min level on), or it slipped from promoter. */
function defaultRouteTakes(facts: RoutingFacts, defaults: RoutingDefaults): boolean {
  if (slipping(facts)) return true;
  const categories = defaults.followUpCategories ?? ['DETRACTOR'];
  if (!categories.includes(facts.category)) return false;
  return facts.category !== 'DETRACTOR' || levelAtLeast(facts.riskLevel, defaults.minRiskLevel);
}

export function chooseRoute(rules: readonly RoutingRuleEntity[], facts: RoutingFacts, defaults: RoutingDefaults): Route | null {
  const rule = [...rules].sort((a, b) => a.position - b.position).find((r) => r.enabled && ruleMatches(r, facts));
  if (rule) {
    return finishRoute(
      {
        ruleId: rule._id,
        ruleName: rule.name,
        assignee: resolveAssignee(rule, facts.attributes, defaults.fallbackAssignee),
        team: rule.team,
        slaHours: rule.slaHours,
        slaBusinessHours: rule.slaBusinessHours ?? false,
        channels: rule.channels,
        task: rule.taskPerCategory ? taskFor(facts.category) : rule.task,
        roundRobin: rule.assign.mode === 'TEAM' && rule.team != null,
      },
      facts,
      rule.reviewUrl ?? null,
      defaults,
    );
  }
  if (!defaultRouteTakes(facts, defaults)) return null;
  return finishRoute(
    {
      ruleId: null,
      ruleName: 'default',
      assignee: attributeValue(facts.attributes, defaults.ownerAttribute) ?? defaults.fallbackAssignee,
      team: null,
      slaHours: defaults.slaHours,
      slaBusinessHours: false,
      // Detractors (and slipping promoters) are at-risk pages; thanks and "what would make it a 10" are not.
      channels: facts.category === 'DETRACTOR' || slipping(facts) ? ALL_CHANNELS : ['WEBHOOK'],
      task: taskFor(facts.category),
      roundRobin: false,
    },
    facts,
    null,
    defaults,
  );
}
