/**
 * Relationship cadence: every customer with an e-mail address who has not opted out is surveyed once
 * per `everyDays` of each enabled RELATIONSHIP rule, counted from their last relationship survey (or
 * the day they were first seen), with no triggering event needed.
 *
 * A tick turns due customers into touchpoint events of the rule's touchpoint, which then pass the same
 * fatigue rules, batch size, business calendar and team capacity as any recorded event. The event id
 * is `relationship:<touchpoint>:<customer>:<cadence start>`, so a tick re-run after a crash finds its
 * events already stored (one event, one invitation). Bounded per tick: it fills only the batch slots
 * the due backlog leaves free, reading the contacts of the cadence's day buckets by `_id`.
 */
import type { SurveyRuleEntity } from '../../../models/programme/programme.entity.js';
import type { ProgrammeRepository } from '../../../models/programme/programme.repository.js';
import { DAY_MS } from '../../domain/time.js';

/** Contacts read per free slot: some may turn out unreachable (opted out, no e-mail). */
const READ_FACTOR = 4;

export async function planRelationshipSurveys(
  repo: ProgrammeRepository,
  rules: SurveyRuleEntity[],
  now: Date,
  batchSize: number,
  /** Events already due (the planner's due queue). */
  backlog: number,
): Promise<number> {
  const cadences = rules.filter((r) => r.enabled && r.kind === 'RELATIONSHIP').sort((a, b) => a.everyDays - b.everyDays);
  if (cadences.length === 0) return 0;
  // Events already due come first: relationship surveys only take the slots they leave.
  let slots = batchSize - backlog;
  if (slots <= 0) return 0;
  let planned = 0;
  for (const rule of cadences) {
    if (slots <= 0) break;
    const due = await repo.findCadenceDue(new Date(now.getTime() - rule.everyDays * DAY_MS), slots * READ_FACTOR);
    const reachable = due.filter((c) => c.email && !c.optedOut).slice(0, slots);
    // Opted out or without an e-mail address: no survey this cycle, looked at again after everyDays.
    const unreachable = due.filter((c) => !c.email || c.optedOut);
    const events = reachable.map((c) => ({
      externalId: `relationship:${rule.touchpoint}:${c._id}:${(c.relationshipAnchor ?? now).toISOString()}`,
      customerId: c._id,
      touchpoint: rule.touchpoint,
      occurredAt: now,
      attributes: c.attributes ?? [],
      dueAt: now,
      status: 'PENDING' as const,
      invitationId: null,
    }));
    const created = events.length - (await repo.insertEvents(events)).size;
    await repo.restartCadence([...reachable, ...unreachable], now);
    slots -= reachable.length;
    planned += created;
  }
  return planned;
}
