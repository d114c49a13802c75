/** Alert → domain event (webhooks) with deterministic ids, so a retried publish is the same event. */
import type { AlertEntity } from '../../../models/alert/alert.entity.js';
import type { DomainEvent, EventType } from '../events.js';

/** The JSON payload of every alert event (documented in docs/alerts.md). */
function alertPayload(alert: AlertEntity): Record<string, unknown> {
  return {
    alert: {
      id: alert._id,
      status: alert.status,
      assignee: alert.assignee,
      team: alert.team,
      task: alert.task,
      // What the sending tool or ticket system shows the person doing the follow-up.
      taskText: alert.taskText ?? null,
      reviewUrl: alert.reviewUrl ?? null,
      previousScore: alert.previousScore ?? null,
      slippingPromoter: alert.slippingPromoter ?? false,
      ruleId: alert.ruleId,
      ruleName: alert.ruleName,
      riskScore: alert.riskScore,
      riskLevel: alert.riskLevel,
      reasons: alert.reasons,
      raisedAt: alert.raisedAt.toISOString(),
      dueAt: alert.dueAt.toISOString(),
      slaBreached: alert.slaBreached,
      outcome: alert.outcome,
      resolutionNote: alert.resolutionNote,
    },
    response: {
      id: alert.responseId.toHexString(),
      score: alert.score,
      category: alert.category,
      touchpoint: alert.touchpoint,
      customerExternalId: alert.customerExternalId,
    },
  };
}

function alertEventId(type: EventType, alert: AlertEntity): string {
  if (type === 'alert.raised') return `alert.raised:${alert._id}`;
  if (type === 'alert.sla_breached') return `alert.sla_breached:${alert._id}`;
  // Each change appends one history entry: its length names the change.
  return `alert.updated:${alert._id}:${alert.history.length}`;
}

export function alertEvent(type: EventType, alert: AlertEntity, occurredAt: Date): DomainEvent {
  const last = alert.history[alert.history.length - 1];
  const data = alertPayload(alert);
  if (type === 'alert.updated' && last)
    data.change = { action: last.action, actor: last.actor, from: last.from, to: last.to, note: last.note, at: last.at.toISOString() };
  return { id: alertEventId(type, alert), type, occurredAt, data, attributes: alert.attributes };
}
