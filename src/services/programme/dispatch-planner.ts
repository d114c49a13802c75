/**
 * One planner tick: releases due surveys in a batch of at most `batchSize`, on business days inside
 * business hours in each customer's time zone, within each team's daily capacity; makes relationship
 * surveys due for customers with no triggering event (relationship-cadence.ts); records every skip
 * with its rule; expires invitations nobody answered; tells the sending tool in a `survey.due` event
 * per page that released any (usually one per tick).
 *
 * Bulk per page: a tick reads the due queue's keys (the due day buckets: its length is the backlog),
 * then the due events a page at a time by `_id` (with their contacts and account logs), decides every event of the page in memory (fatigue.ts), then writes the page with a few
 * bulk writes — invitations, contacts' last survey, team capacity use — publishes its `survey.due`
 * event, and settles the events last, so a run that crashed mid-page leaves its events PENDING and
 * the next run completes them: their stored invitations are published (again) and counted (again).
 * At least once, never lost: a crash between the publish and the settle can deliver an invitation
 * twice (the sending tool keys on the invitation id) and count it twice against capacity and the
 * fatigue rules, the safe side of both.
 *
 * One plan per tick however many workers run: a tick is claimed by inserting its id (the clock's time
 * divided by the tick length), and each event gets at most one invitation (unique by event id: an
 * insert refused by that index settles the event with the invitation stored first). Ticks never
 * overlap: a tick holds the planner's lease (a write lock renewed after every page), and a tick that
 * finds it held — the previous one ran longer than the tick period, or a stalled job was re-run while
 * it still works — plans nothing (the next tick does): two overlapping plans would each count the
 * team capacity and the account limits without the other's releases.
 */
import { localDateKey, nextBusinessWindow } from '../../domain/business-calendar.js';
import type { Logger } from '../../logger.js';
import type { Lease, WriteLockRepository } from '../../../models/lock/write-lock.repository.js';
import { attributeTag } from '../../../models/response/response.entity.js';
import type { ContactEntity, DueEventEntity, InvitationEntity } from '../../../models/programme/programme.entity.js';
import {
  dueKey,
  dueKeyAt,
  type DueKey,
  type ProgrammeRepository,
  type SurveyedMark,
} from '../../../models/programme/programme.repository.js';
import type { DomainEvent, EventPublisher } from '../events.js';
import { decide, type DeferReason } from './fatigue.js';
import { planRelationshipSurveys } from './relationship-cadence.js';
import type { Clock, ProgrammeService } from './programme.service.js';
import { DAY_MS } from '../../domain/time.js';
import { inScope, scopeId, type Scope } from '../auth/scope.js';

export interface PlannerSettings {
  batchSize: number;
  tickMs: number;
  expiryDays: number;
  /** A due survey still deferred this many days after it was due is skipped (DEFERRED_TOO_LONG). */
  maxDeferDays: number;
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
/** Due events read and decided per page (one bulk write each for invitations, contacts and events). */
const PAGE_SIZE = 250;

/** The write lock a running tick holds. */
const PLANNER_LEASE = 'dispatch-planner:tick';
/** A tick's lease outlives a stalled page by this much; it is renewed after each step. */
const PLANNER_LEASE_MS = 60_000;

const EXPIRY_MARK = 'planner:expired-on';
interface ExpiryMark {
  _id: typeof EXPIRY_MARK;
  day: string;
}

type Settings = Awaited<ReturnType<DispatchPlanner['loadSettings']>>;

/**
 * A due event this worker found deferred, and what must change before deciding it again can give
 * another answer: its customer's business hours open, or the day (and with it the team's capacity).
 */
type Deferral = { reason: 'OUTSIDE_BUSINESS_HOURS'; until: number } | { reason: 'TEAM_CAPACITY'; team: string; day: string };

/** What one tick has decided so far: later events (and pages) of the tick see earlier releases. */
interface TickState {
  tick: string;
  /** Pages of this tick that published a `survey.due` event (its id tells them apart). */
  published: number;
  now: Date;
  day: string;
  contacts: Map<string, ContactEntity>;
  /** Each account's release times inside the account period (and this tick's releases). */
  accountLogs: Map<string, Date[]>;
  /** Release times older than every fatigue window, taken out of their accounts' logs at the next write. */
  accountTrim: Map<string, Date[]>;
  /** Surveys each team released this tick (on top of the day's stored use). */
  releasedPerTeam: Map<string, number>;
  released: InvitationEntity[];
  skipped: Record<string, number>;
  deferred: Partial<Record<DeferReason, number>>;
}

export class DispatchPlanner {
  /**
   * Deferred events not read again until their deferral can have ended: a team far over its capacity
   * would otherwise have every tick read and re-decide the same ~1,000 events. In memory (another
   * worker just reads them once more); forgotten when rules, calendar or capacities change.
   */
  private deferrals = new Map<DueKey, Deferral>();
  /** The settings the remembered deferrals were decided under. */
  private deferralBasis = '';

  constructor(
    private readonly deps: {
      repo: ProgrammeRepository;
      programme: ProgrammeService;
      events: EventPublisher;
      locks: WriteLockRepository;
      clock: Clock;
      log: Logger;
    },
    private readonly settings: PlannerSettings,
  ) {}

  /** Runs this tick's plan; null when another worker planned this tick already, or a tick still runs. */
  async tick(): Promise<TickSummary | null> {
    const now = this.deps.clock();
    const tick = String(Math.floor(now.getTime() / this.settings.tickMs));
    const lease = await this.deps.locks.tryLease(PLANNER_LEASE, PLANNER_LEASE_MS);
    if (!lease) {
      this.deps.log.info({ tick }, 'dispatch planner: the previous tick still runs; this one plans nothing');
      return null;
    }
    try {
      return await this.planTick(tick, now, lease);
    } finally {
      await lease.release();
    }
  }

  private async planTick(tick: string, now: Date, lease: Lease): Promise<TickSummary | null> {
    const { repo } = this.deps;
    if (!(await repo.claimTick(tick, now))) return null;
    const started = performance.now();

    const settings = await this.loadSettings(now);
    const expired = await this.expireOncePerDay(now, settings.day);
    let queue = await repo.dueQueue(now);
    // Events remembered as deferred cannot go this tick: they leave their batch slots to the cadence,
    // whose surveys are only made due for teams with capacity left today (else they would wait too).
    const waiting = this.stillDeferred(queue, settings, now);
    const relationship = await planRelationshipSurveys(
      repo,
      settings.rules.filter((r) => r.team === null || teamRemaining(r.team, settings) > 0),
      now,
      this.settings.batchSize,
      queue.length - waiting.size,
    );
    if (relationship > 0) queue = await repo.dueQueue(now);
    const state: TickState = {
      tick,
      published: 0,
      now,
      day: settings.day,
      contacts: new Map(),
      accountLogs: new Map(),
      accountTrim: new Map(),
      releasedPerTeam: new Map(),
      released: [],
      skipped: {},
      deferred: {},
    };
    for (const reason of waiting.values()) state.deferred[reason] = (state.deferred[reason] ?? 0) + 1;
    const scanned = (waiting.size ? queue.filter((k) => !waiting.has(k)) : queue).slice(0, this.settings.batchSize * SCAN_FACTOR);
    for (let offset = 0; offset < scanned.length && state.released.length < this.settings.batchSize; offset += PAGE_SIZE) {
      if (!(await lease.renew())) {
        // Stalled past the lease: another tick may plan now, so this one stops before its next page.
        this.deps.log.warn({ tick }, 'dispatch planner: lease lost mid-tick; the rest is left to the next tick');
        break;
      }
      await this.planPage(await repo.findDueEvents(scanned.slice(offset, offset + PAGE_SIZE)), settings, state);
    }
    const { released, skipped, deferred } = state;

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

  /**
   * Expires invitations nobody answered, at the first tick of each day: expiry counts in days, and
   * it reads every invitation (no index but `_id` on FerretDB), too much for every tick.
   */
  private async expireOncePerDay(now: Date, day: string): Promise<number> {
    const { repo } = this.deps;
    if ((await repo.getSetting<ExpiryMark>(EXPIRY_MARK))?.day === day) return 0;
    const expired = await repo.expireBefore(new Date(now.getTime() - this.settings.expiryDays * DAY_MS), now);
    await repo.putSetting<ExpiryMark>({ _id: EXPIRY_MARK, day });
    return expired;
  }

  private async loadSettings(now: Date) {
    const { repo, programme } = this.deps;
    const [rules, contactRules, calendar, capacities] = await Promise.all([
      repo.listRules(),
      programme.contactRules(),
      programme.calendar(),
      repo.listTeamCapacities(),
    ]);
    const day = localDateKey(now, calendar.timeZone);
    return {
      rules,
      contactRules,
      calendar,
      day,
      ruleOf: new Map(rules.map((r) => [r.touchpoint, r])),
      capacityOf: new Map(capacities.map((c) => [c._id, c.perDay])),
      used: await repo.capacityUsed(capacities.map((c) => `${c._id}|${day}`)),
      accountSince: new Date(now.getTime() - contactRules.accountPeriodDays * DAY_MS),
      // No rule looks further back than its longest window: older account log entries are trimmed.
      keepSince: new Date(
        now.getTime() - Math.max(contactRules.minDaysBetweenSurveys, contactRules.touchpointDays, contactRules.accountPeriodDays) * DAY_MS,
      ),
    };
  }

  /**
   * The queue's events remembered as deferred whose deferral cannot have ended yet (not read this
   * tick), with their reason. An event about to be deferred too long is always read: it is skipped.
   */
  private stillDeferred(queue: DueKey[], settings: Settings, now: Date): Map<DueKey, DeferReason> {
    const basis = JSON.stringify([
      settings.calendar,
      settings.contactRules,
      settings.rules.map((r) => [r.touchpoint, r.kind, r.enabled, r.sampleRate, r.team]),
      [...settings.capacityOf],
    ]);
    if (basis !== this.deferralBasis) {
      this.deferrals.clear();
      this.deferralBasis = basis;
    }
    const kept = new Map<DueKey, Deferral>();
    const waiting = new Map<DueKey, DeferReason>();
    const lastDue = now.getTime() - this.settings.maxDeferDays * DAY_MS;
    for (const key of queue) {
      const deferral = this.deferrals.get(key);
      if (!deferral || Date.parse(dueKeyAt(key)) <= lastDue) continue;
      const holds =
        deferral.reason === 'OUTSIDE_BUSINESS_HOURS'
          ? now.getTime() < deferral.until
          : deferral.day === settings.day && teamRemaining(deferral.team, settings) <= 0;
      if (!holds) continue;
      kept.set(key, deferral);
      waiting.set(key, deferral.reason);
    }
    // Only entries still in the queue and still deferred are kept: the memory stays as small as the backlog.
    this.deferrals = kept;
    return waiting;
  }

  /** Remembers a deferral whose end is known (quiet hours are simply decided again next tick). */
  private rememberDeferral(key: DueKey, reason: DeferReason, team: string | null, timeZone: string, settings: Settings, now: Date) {
    if (reason === 'TEAM_CAPACITY' && team !== null) this.deferrals.set(key, { reason, team, day: settings.day });
    else if (reason === 'OUTSIDE_BUSINESS_HOURS') {
      try {
        this.deferrals.set(key, { reason, until: nextBusinessWindow(now, timeZone, settings.calendar).start.getTime() });
      } catch {
        // A calendar with no business day ahead: nothing to remember, the event is read again.
      }
    }
  }

  /** Decides one page of due events in memory, then stores the outcome with a few bulk writes. */
  private async planPage(page: DueEventEntity[], settings: Settings, state: TickState): Promise<void> {
    const { repo } = this.deps;
    const { contactRules, calendar, ruleOf } = settings;
    const { now, contacts, accountLogs, releasedPerTeam } = state;
    const unseen = [...new Set(page.map((e) => e.customerId))].filter((id) => !contacts.has(id));
    for (const contact of await repo.findContacts(unseen)) contacts.set(contact._id, contact);
    if (contactRules.accountAttribute) {
      const accounts = [...new Set(unseen.map((id) => contacts.get(id)?.account).filter((a): a is string => !!a && !accountLogs.has(a)))];
      for (const [account, log] of await repo.findAccountSurveys(accounts)) {
        accountLogs.set(
          account,
          log.filter((at) => at >= settings.accountSince),
        );
        const old = log.filter((at) => at < settings.keepSince);
        if (old.length) state.accountTrim.set(account, old);
      }
    }

    const decided: InvitationEntity[] = [];
    let releasing = state.released.length;
    for (const event of page) {
      if (releasing >= this.settings.batchSize) break;
      const rule = ruleOf.get(event.touchpoint) ?? null;
      const contact = contacts.get(event.customerId) ?? null;
      const account = contactRules.accountAttribute ? (contact?.account ?? null) : null;
      const team = rule?.team ?? null;
      const timeZone = contact?.timeZone ?? calendar.timeZone;
      const decision = decide(
        {
          eventId: event._id.toHexString(),
          touchpoint: event.touchpoint,
          dueAt: event.dueAt,
          rule,
          contact,
          timeZone,
          accountSurveys: account ? (accountLogs.get(account)?.length ?? 0) : 0,
          teamRemaining: team === null ? Infinity : teamRemaining(team, settings, releasedPerTeam),
        },
        contactRules,
        calendar,
        now,
        this.settings.maxDeferDays,
      );
      if (decision.action === 'DEFER') {
        state.deferred[decision.reason] = (state.deferred[decision.reason] ?? 0) + 1;
        this.rememberDeferral(dueKey(event), decision.reason, team, timeZone, settings, now);
        continue;
      }
      decided.push({
        // One invitation per event: its id is the event's, so a refused insert finds the stored one by `_id`.
        _id: event._id,
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
      });
      if (decision.action === 'SKIP') continue;
      releasing++;
      // Later events of the same customer, account and team in this tick see this survey.
      contacts.set(event.customerId, surveyedContact(contact, event.customerId, event.touchpoint, now));
      if (account) accountLogs.set(account, [...(accountLogs.get(account) ?? []), now]);
      if (team !== null) releasedPerTeam.set(team, (releasedPerTeam.get(team) ?? 0) + 1);
    }
    await this.store(decided, state);
  }

  /**
   * Writes a page's invitations, then the released customers' last survey and the teams' capacity
   * use, publishes the page's `survey.due` event and settles the events last. An invitation refused
   * because its event has one already (a run that crashed before settling it) is not decided again:
   * the stored one stands, and if it was released its effects and its publish are repeated — that run
   * may have stopped before either (see the file's comment).
   */
  private async store(decided: InvitationEntity[], state: TickState): Promise<void> {
    const { repo } = this.deps;
    if (decided.length === 0) return;
    const refused = await repo.insertInvitations(decided);
    const stored = decided.filter((_, i) => !refused.has(i));
    const earlier = await repo.findInvitationsOfEvents([...refused].map((i) => decided[i].eventId));
    const released = [...stored, ...earlier].filter((i) => i.status === 'QUEUED');

    // One mark per customer: the contact's state after all of its releases in this tick.
    const marks = new Map<string, SurveyedMark>();
    for (const i of released)
      marks.set(i.customerId, {
        customerId: i.customerId,
        at: state.now,
        lastByTouchpoint: state.contacts.get(i.customerId)?.lastByTouchpoint ?? [],
        relationship: i.kind === 'RELATIONSHIP' || (marks.get(i.customerId)?.relationship ?? false),
      });
    await repo.markSurveyed([...marks.values()]);
    const accountUse = new Map<string, number>();
    for (const i of released) if (i.account) accountUse.set(i.account, (accountUse.get(i.account) ?? 0) + 1);
    await repo.addAccountSurveys(accountUse, state.now, state.accountTrim);
    state.accountTrim.clear();
    const teamUse = new Map<string, number>();
    for (const i of released) if (i.team !== null) teamUse.set(`${i.team}|${state.day}`, (teamUse.get(`${i.team}|${state.day}`) ?? 0) + 1);
    await repo.addCapacityUse(teamUse);
    if (released.length) {
      // The first page's event keeps the tick's id; a later page's gets its number.
      const id = state.published === 0 ? state.tick : `${state.tick}.${state.published}`;
      await this.deps.events.publish([surveyDueEvent(id, state.now, released)]);
      state.published++;
    }
    await repo.settleEvents(
      [...stored, ...earlier].map((i) => ({
        eventId: i.eventId,
        dueAt: i.dueAt,
        status: i.status === 'SKIPPED' ? 'SKIPPED' : 'INVITED',
        invitationId: i._id,
      })),
    );

    state.released.push(...released);
    for (const { skipRule } of stored) if (skipRule) state.skipped[skipRule] = (state.skipped[skipRule] ?? 0) + 1;
  }
}

/** Surveys a team may still release today: its capacity less the day's stored use and this tick's releases. */
function teamRemaining(team: string, settings: Settings, releasedThisTick: ReadonlyMap<string, number> = new Map()): number {
  const capacity = settings.capacityOf.get(team);
  if (capacity === undefined) return Infinity;
  return capacity - (settings.used.get(`${team}|${settings.day}`) ?? 0) - (releasedThisTick.get(team) ?? 0);
}

/** The contact as the fatigue rules see it after a survey released to it now. */
function surveyedContact(contact: ContactEntity | null, customerId: string, touchpoint: string, now: Date): ContactEntity {
  const lastByTouchpoint = (contact?.lastByTouchpoint ?? []).filter((t) => t.touchpoint !== touchpoint).concat({ touchpoint, at: now });
  return {
    ...(contact ?? {
      _id: customerId,
      email: null,
      locale: null,
      timeZone: null,
      optedOut: false,
      account: null,
      createdAt: now,
      updatedAt: now,
    }),
    lastSurveyedAt: now,
    lastByTouchpoint,
  };
}

/**
 * The batch of surveys one tick released, for the sending tool (documented in docs/programme.md).
 * The batch has no attributes of its own (each invitation carries its own): an endpoint of a scoped
 * key gets the part of the batch inside its scope, as an event with its own id (none when empty).
 */
function surveyDueEvent(tick: string, now: Date, invitations: InvitationEntity[], scope: Scope = null): DomainEvent {
  return {
    id: scope?.length ? `survey.due:${tick}:scope-${scopeId(scope)}` : `survey.due:${tick}`,
    type: 'survey.due',
    occurredAt: now,
    attributes: [...(scope ?? [])],
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
    inScopePart: scope?.length
      ? undefined
      : (endpointScope) => {
          const inside = invitations.filter((i) => inScope(i.attributes, endpointScope));
          return inside.length ? surveyDueEvent(tick, now, inside, endpointScope) : null;
        },
  };
}
