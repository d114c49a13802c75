/**
 * One planner tick: releases due surveys in a batch of at most `batchSize`, on business days inside
 * business hours in each customer's time zone, within each team's daily capacity; makes relationship
 * surveys due for customers with no triggering event (relationship-cadence.ts); records every skip
 * with its rule; expires invitations nobody answered; tells the sending tool in one `survey.due` event.
 *
 * One plan per tick however many workers run: a tick is claimed by inserting its id (the clock's time
 * divided by the tick length), and each event gets at most one invitation (unique by event id).
 */
import { Types } from 'mongoose';
import { localDateKey } from '../../domain/business-calendar.js';
import type { Logger } from '../../logger.js';
import { attributeTag } from '../../../models/response/response.entity.js';
import type { InvitationEntity, TouchpointEventEntity } from '../../../models/programme/programme.entity.js';
import type { ProgrammeRepository } from '../../../models/programme/programme.repository.js';
import type { EventPublisher } from '../events.js';
import { decide, type DeferReason } from './fatigue.js';
import { planRelationshipSurveys } from './relationship-cadence.js';
import type { Clock, ProgrammeService } from './programme.service.js';
import { DAY_MS } from '../../domain/time.js';

export interface PlannerSettings {
  batchSize: number;
  tickMs: number;
  expiryDays: number;
}

export interface TickSummary {
  tick: string;
  /** Relationship surveys the cadence made due this tick (customers with no triggering event). */
  relationship: number;
  released: number;
  skipped: Record<string, number>;
  deferred: Partial<Record<DeferReason, number>>;
  expired: number;
  tookMs: number;
}

/** Due events looked at per tick: deferred ones (another zone's night, a full team) must not starve the rest. */
const SCAN_FACTOR = 20;

export class DispatchPlanner {
  constructor(
    private readonly deps: { repo: ProgrammeRepository; programme: ProgrammeService; events: EventPublisher; clock: Clock; log: Logger },
    private readonly settings: PlannerSettings,
  ) {}

  /** Runs this tick's plan; null when another worker planned this tick already. */
  async tick(): Promise<TickSummary | null> {
    const { repo } = this.deps;
    const now = this.deps.clock();
    const tick = String(Math.floor(now.getTime() / this.settings.tickMs));
    if (!(await repo.claimTick(tick, now))) return null;
    const started = performance.now();

    const expired = await repo.expireBefore(new Date(now.getTime() - this.settings.expiryDays * DAY_MS), now);
    const [rules, contactRules, calendar, capacities] = await Promise.all([
      repo.listRules(),
      this.deps.programme.contactRules(),
      this.deps.programme.calendar(),
      repo.listTeamCapacities(),
    ]);
    const ruleOf = new Map(rules.map((r) => [r.touchpoint, r]));
    const capacityOf = new Map(capacities.map((c) => [c._id, c.perDay]));
    const day = localDateKey(now, calendar.timeZone);
    const used = await repo.capacityUsed(capacities.map((c) => `${c._id}|${day}`));
    const releasedPerTeam = new Map<string, number>();

    const relationship = await planRelationshipSurveys(repo, rules, now, this.settings.batchSize);
    const due = await repo.findDueEvents(now, this.settings.batchSize * SCAN_FACTOR);
    const contacts = new Map((await repo.findContacts([...new Set(due.map((e) => e.customerId))])).map((c) => [c._id, c]));
    const accountCounts = new Map<string, number>();
    const accountSince = new Date(now.getTime() - contactRules.accountPeriodDays * DAY_MS);

    const released: InvitationEntity[] = [];
    const skipped: Record<string, number> = {};
    const deferred: Partial<Record<DeferReason, number>> = {};
    for (const event of due) {
      if (released.length >= this.settings.batchSize) break;
      const rule = ruleOf.get(event.touchpoint) ?? null;
      const contact = contacts.get(event.customerId) ?? null;
      const account = contactRules.accountAttribute ? (contact?.account ?? null) : null;
      if (account && !accountCounts.has(account)) accountCounts.set(account, await repo.countAccountSurveys(account, accountSince));
      const team = rule?.team ?? null;
      const capacity = team === null ? undefined : capacityOf.get(team);
      const teamRemaining =
        team === null || capacity === undefined
          ? Infinity
          : capacity - (used.get(`${team}|${day}`) ?? 0) - (releasedPerTeam.get(team) ?? 0);
      const timeZone = contact?.timeZone ?? calendar.timeZone;
      const decision = decide(
        {
          eventId: event._id.toHexString(),
          touchpoint: event.touchpoint,
          rule,
          contact,
          timeZone,
          accountSurveys: account ? (accountCounts.get(account) ?? 0) : 0,
          teamRemaining,
        },
        contactRules,
        calendar,
        now,
      );
      if (decision.action === 'DEFER') {
        deferred[decision.reason] = (deferred[decision.reason] ?? 0) + 1;
        continue;
      }
      const invitation: InvitationEntity = {
        _id: new Types.ObjectId(),
        eventId: event._id,
        customerId: event.customerId,
        touchpoint: event.touchpoint,
        kind: rule?.kind ?? 'TRANSACTIONAL',
        channel: rule?.channel ?? 'email',
        team,
        email: contact?.email ?? null,
        locale: contact?.locale ?? null,
        timeZone,
        account,
        attributes: event.attributes,
        attributeTags: event.attributes.map((a) => attributeTag(a.key, a.value)),
        dueAt: event.dueAt,
        status: decision.action === 'RELEASE' ? 'QUEUED' : 'SKIPPED',
        skipRule: decision.action === 'SKIP' ? decision.rule : null,
        skipDetail: decision.action === 'SKIP' ? decision.detail : null,
        plannedAt: now,
        sentAt: null,
        respondedAt: null,
        responseId: null,
        expiredAt: null,
      };
      const settled = await this.settle(event, invitation);
      if (!settled) continue;
      if (decision.action === 'SKIP') {
        skipped[decision.rule] = (skipped[decision.rule] ?? 0) + 1;
        continue;
      }
      released.push(invitation);
      await repo.markSurveyed(event.customerId, event.touchpoint, now, invitation.kind === 'RELATIONSHIP');
      // Later events of the same customer in this tick see this survey.
      if (contact) {
        contact.lastSurveyedAt = now;
        contact.lastByTouchpoint = (contact.lastByTouchpoint ?? [])
          .filter((t) => t.touchpoint !== event.touchpoint)
          .concat({ touchpoint: event.touchpoint, at: now });
      } else
        contacts.set(event.customerId, {
          _id: event.customerId,
          email: null,
          locale: null,
          timeZone: null,
          optedOut: false,
          account: null,
          lastSurveyedAt: now,
          lastByTouchpoint: [{ touchpoint: event.touchpoint, at: now }],
          createdAt: now,
          updatedAt: now,
        });
      if (account) accountCounts.set(account, (accountCounts.get(account) ?? 0) + 1);
      if (team !== null) releasedPerTeam.set(team, (releasedPerTeam.get(team) ?? 0) + 1);
    }
    for (const [team, count] of releasedPerTeam) await repo.addCapacityUse(`${team}|${day}`, count);
    if (released.length) await this.deps.events.publish([surveyDueEvent(tick, now, released)]);

    const summary: TickSummary = {
      tick,
      relationship,
      released: released.length,
      skipped,
      deferred,
      expired,
      tookMs: Math.round(performance.now() - started),
    };
    const sum = (o: Record<string, number | undefined>) => Object.values(o).reduce<number>((a, b) => a + (b ?? 0), 0);
    await repo.finishTick({
      _id: tick,
      at: now,
      relationship,
      released: released.length,
      skipped: sum(skipped),
      deferred: sum(deferred),
      expired,
      tookMs: summary.tookMs,
      done: true,
    });
    this.deps.log.debug(summary, 'dispatch planner tick');
    return summary;
  }

  /** Stores the invitation and settles its event; false when an earlier run did (the event keeps that one). */
  private async settle(event: TouchpointEventEntity, invitation: InvitationEntity): Promise<boolean> {
    const { repo } = this.deps;
    if (await repo.insertInvitation(invitation)) {
      await repo.settleEvent(event._id, invitation.status === 'SKIPPED' ? 'SKIPPED' : 'INVITED', invitation._id);
      return true;
    }
    // A run that crashed after inserting left the event PENDING: settle it with the stored invitation.
    const existing = await repo.findInvitationOfEvent(event._id);
    if (existing) await repo.settleEvent(event._id, existing.status === 'SKIPPED' ? 'SKIPPED' : 'INVITED', existing._id);
    return false;
  }
}

/** The batch of surveys one tick released, for the sending tool (documented in docs/programme.md). */
function surveyDueEvent(tick: string, now: Date, invitations: InvitationEntity[]) {
  return {
    id: `survey.due:${tick}`,
    type: 'survey.due' as const,
    occurredAt: now,
    attributes: [],
    data: {
      invitations: invitations.map((i) => ({
        id: i._id.toHexString(),
        // Ids only, like every webhook payload: no e-mail address (docs/webhooks.md).
        customer: { externalId: i.customerId, locale: i.locale, timeZone: i.timeZone },
        touchpoint: i.touchpoint,
        kind: i.kind,
        channel: i.channel,
        team: i.team,
        dueAt: i.dueAt.toISOString(),
        attributes: i.attributes,
      })),
    },
  };
}
