/** Stored alert → GraphQL shape. */
import type { AlertEntity } from '../../models/alert/alert.entity.js';
import type { AlertChannel, FollowUpTask } from '../routing/routing.enums.js';
import type { AlertAction, AlertOutcome, AlertStatus } from './alert.enums.js';
import type { Alert } from './alert.types.js';

export function toAlert(a: AlertEntity, now: Date = new Date()): Alert {
  return {
    id: a._id,
    status: a.status as AlertStatus,
    assignee: a.assignee,
    team: a.team,
    task: a.task as FollowUpTask,
    taskText: a.taskText ?? null,
    reviewUrl: a.reviewUrl ?? null,
    previousScore: a.previousScore ?? null,
    slippingPromoter: a.slippingPromoter ?? false,
    riskScore: a.riskScore,
    riskLevel: a.riskLevel,
    reasons: a.reasons,
    raisedAt: a.raisedAt,
    dueAt: a.dueAt,
    slaHours: a.slaHours,
    // Only follow-ups owed can be late: a HISTORICAL alert (an old answer) has no SLA.
    overdue: (a.status === 'OPEN' || a.status === 'ACKNOWLEDGED') && a.dueAt.getTime() < now.getTime(),
    slaBreached: a.slaBreached,
    slaBreachedAt: a.slaBreachedAt,
    escalatedTo: a.escalatedTo ?? null,
    firstActionAt: a.firstActionAt,
    acknowledgedAt: a.acknowledgedAt,
    resolvedAt: a.resolvedAt,
    outcome: a.outcome as AlertOutcome | null,
    resolutionNote: a.resolutionNote,
    ruleId: a.ruleId,
    ruleName: a.ruleName,
    channels: a.channels as AlertChannel[],
    category: a.category,
    score: a.score,
    customerExternalId: a.customerExternalId,
    touchpoint: a.touchpoint,
    attributes: a.attributes,
    history: a.history.map((h) => ({ ...h, action: h.action as AlertAction })),
    responseId: a.responseId.toHexString(),
  };
}
