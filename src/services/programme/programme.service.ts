/**
 * The survey programme: touchpoint events, survey rules, contact-frequency rules, the business
 * calendar and team capacities, the invitations the planner releases and the loop back from responses.
 * Verbatim never sends surveys itself: it tells the sending tool who is due (`survey.due` webhooks).
 */
import { Types } from 'mongoose';
import { DEFAULT_BUSINESS_CALENDAR } from '../../domain/business-calendar.js';
import { AppError, InputError, notFound, type FieldProblem } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Attribute } from '../../../models/response/response.entity.js';
import { scopeTags, type Scope } from '../auth/scope.js';
import type {
  CalendarEntity,
  ContactRulesEntity,
  InvitationEntity,
  SurveyRuleEntity,
  TouchpointEventEntity,
} from '../../../models/programme/programme.entity.js';
import type { InvitationQuery, ProgrammeRepository } from '../../../models/programme/programme.repository.js';
import { DEFAULT_CONTACT_RULES } from './fatigue.js';
import {
  calendarInputProblems,
  contactRulesProblems,
  nameProblem,
  surveyRuleProblems,
  timeZoneProblem,
  type CalendarInput,
  type ContactRulesInput,
  type SurveyRuleInput,
} from './programme-input.js';
import { HOUR_MS } from '../../domain/time.js';

export type Clock = () => Date;

const DEFAULT_EVERY_DAYS = 90;

/** The contact fields of a customer, as an event or a response carries them. */
export interface ContactInput {
  externalId: string;
  email?: string | null;
  locale?: string | null;
  timeZone?: string | null;
  optedOut?: boolean | null;
}

export interface TouchpointEventInput {
  externalId?: string | null;
  touchpoint: string;
  occurredAt?: Date | null;
  customer: ContactInput;
  attributes?: Attribute[] | null;
}

export interface ProgrammeDeps {
  repo: ProgrammeRepository;
  clock: Clock;
  log: Logger;
  maxPageSize: number;
  /** Most rows one importTouchpointEvents call takes (VERBATIM_MAX_IMPORT_ROWS). */
  maxImportRows: number;
  /** The journey when none was set through the API (VERBATIM_JOURNEY_TOUCHPOINTS). */
  defaultJourney?: readonly string[];
}

type NewTouchpointEvent = Omit<TouchpointEventEntity, '_id' | 'createdAt'>;

interface ImportRowError {
  index: number;
  field: string | null;
  message: string;
}

const MAX_ATTRIBUTES = 50;
/** Invitations of an older version brought up to date per read at start. */
const MIGRATION_PAGE = 500;
const SCOPE_TAGS_MIGRATION = 'migration:invitation-scope-tags';
/** Most touchpoints a journey lists. */
const MAX_JOURNEY = 50;
interface JourneySetting {
  _id: 'journey';
  touchpoints: string[];
}
const ACCOUNT_LOG_MIGRATION = 'migration:account-survey-log';
const DAY_BUCKETS_MIGRATION = 'migration:day-buckets';
interface MigrationMark {
  _id: typeof SCOPE_TAGS_MIGRATION | typeof ACCOUNT_LOG_MIGRATION | typeof DAY_BUCKETS_MIGRATION;
  doneAt: Date;
}

export class ProgrammeService {
  constructor(private readonly deps: ProgrammeDeps) {}

  /**
   * Brings data up to date (run at start): pending events missing from the planner's due queue (or
   * from its day buckets) are queued again (a crash between the writes, or a version before the
   * buckets); contacts and released invitations of a version before the day buckets are entered in the
   * cadence's and the expiry's buckets; account logs are built from the invitations of an older
   * version, and those invitations get their scope tags. Once done, a marker says so: later starts
   * read one settings document instead of scanning the invitations. Returns how many were tagged.
   */
  async migrate(): Promise<number> {
    const { repo } = this.deps;
    await repo.requeuePendingEvents();
    if (!(await repo.getSetting<MigrationMark>(DAY_BUCKETS_MIGRATION))) {
      await repo.bucketCadences();
      await repo.bucketReleasedInvitations();
      await repo.putSetting<MigrationMark>({ _id: DAY_BUCKETS_MIGRATION, doneAt: new Date() });
    }
    if (!(await repo.getSetting<MigrationMark>(ACCOUNT_LOG_MIGRATION))) {
      await repo.seedAccountSurveys();
      await repo.putSetting<MigrationMark>({ _id: ACCOUNT_LOG_MIGRATION, doneAt: new Date() });
    }
    if (await repo.getSetting<MigrationMark>(SCOPE_TAGS_MIGRATION)) return 0;
    let tagged = 0;
    for (;;) {
      const page = await repo.tagLegacyInvitations(MIGRATION_PAGE);
      tagged += page;
      if (page < MIGRATION_PAGE) break;
    }
    await repo.putSetting<MigrationMark>({ _id: SCOPE_TAGS_MIGRATION, doneAt: new Date() });
    return tagged;
  }

  // Survey rules

  listRules(): Promise<SurveyRuleEntity[]> {
    return this.deps.repo.listRules();
  }

  async createRule(input: SurveyRuleInput): Promise<SurveyRuleEntity> {
    const problems = surveyRuleProblems(input, true);
    problems.push(...(await this.capacityProblems(input.team)));
    problems.push(...(await this.relationshipProblems(input, null)));
    if (problems.length || !input.touchpoint) throw new InputError(problems);
    const created = await this.deps.repo.createRule({
      touchpoint: input.touchpoint,
      kind: input.kind ?? 'TRANSACTIONAL',
      delayHours: input.delayHours ?? 0,
      channel: input.channel ?? 'email',
      sampleRate: input.sampleRate ?? 1,
      enabled: input.enabled ?? true,
      everyDays: input.everyDays ?? DEFAULT_EVERY_DAYS,
      team: input.team ?? null,
    });
    if (created === 'duplicate')
      throw new InputError([{ field: 'touchpoint', message: `touchpoint ${input.touchpoint} has a survey rule already; update it` }]);
    return created;
  }

  async updateRule(id: string, input: SurveyRuleInput): Promise<SurveyRuleEntity> {
    const problems = surveyRuleProblems(input, false);
    if (input.touchpoint !== undefined)
      problems.push({ field: 'touchpoint', message: 'cannot be changed; delete the rule and create another' });
    problems.push(...(await this.capacityProblems(input.team)));
    const current = await this.deps.repo.findRule(id);
    problems.push(...(await this.relationshipProblems(input, current)));
    if (problems.length) throw new InputError(problems);
    const set: Partial<SurveyRuleEntity> = {};
    for (const key of ['kind', 'delayHours', 'channel', 'sampleRate', 'enabled', 'everyDays'] as const)
      if (input[key] != null) Object.assign(set, { [key]: input[key] });
    if (input.team !== undefined) set.team = input.team;
    const updated = current ? await this.deps.repo.updateRule(id, set) : null;
    if (!updated) throw notFound('survey rule', id);
    return updated;
  }

  async deleteRule(id: string): Promise<boolean> {
    return this.deps.repo.deleteRule(id);
  }

  /** A rule whose team may release nothing a day can never fire. */
  private async capacityProblems(team: string | null | undefined): Promise<FieldProblem[]> {
    if (!team) return [];
    const capacity = (await this.deps.repo.listTeamCapacities()).find((c) => c._id === team);
    return capacity?.perDay === 0
      ? [{ field: 'team', message: `team ${team} has a capacity of 0 per day: the rule could never fire` }]
      : [];
  }

  /**
   * A customer has one relationship cadence (its anchor restarts at every relationship survey), so a
   * second enabled RELATIONSHIP rule could never fire: the one with the shortest everyDays always
   * comes first. Refused when a rule would become the second (created, or updated to it).
   * `current` is the stored rule being updated, null for a new one.
   */
  private async relationshipProblems(input: SurveyRuleInput, current: SurveyRuleEntity | null): Promise<FieldProblem[]> {
    const kind = input.kind ?? current?.kind ?? 'TRANSACTIONAL';
    const enabled = input.enabled ?? current?.enabled ?? true;
    if (kind !== 'RELATIONSHIP' || !enabled) return [];
    const other = (await this.deps.repo.listRules()).find((r) => r.kind === 'RELATIONSHIP' && r.enabled && !r._id.equals(current?._id));
    if (!other) return [];
    return [
      {
        field: input.kind === 'RELATIONSHIP' || current === null ? 'kind' : 'enabled',
        message:
          `the relationship rule of touchpoint ${other.touchpoint} (every ${other.everyDays} days) is enabled already; ` +
          'a customer has one relationship cadence, so a second rule could never fire: change or disable that rule instead',
      },
    ];
  }

  // Journey

  /** Touchpoints in the order customers meet them: set through `setJourney`, else the configured default. */
  async journey(): Promise<string[]> {
    const stored = await this.deps.repo.getSetting<JourneySetting>('journey');
    return stored ? [...stored.touchpoints] : [...(this.deps.defaultJourney ?? [])];
  }

  /** Replaces the journey; an empty list goes back to the configured default. */
  async setJourney(touchpoints: string[]): Promise<string[]> {
    const problems = touchpoints.flatMap((t, i) => nameProblem(`touchpoints.${i}`, t, true));
    const seen = new Set<string>();
    touchpoints.forEach((t, i) => {
      if (seen.has(t)) problems.push({ field: `touchpoints.${i}`, message: `${t} is listed twice` });
      seen.add(t);
    });
    if (touchpoints.length > MAX_JOURNEY) problems.push({ field: 'touchpoints', message: `at most ${MAX_JOURNEY} touchpoints` });
    if (problems.length) throw new InputError(problems);
    if (touchpoints.length === 0) await this.deps.repo.deleteSetting('journey');
    else await this.deps.repo.putSetting<JourneySetting>({ _id: 'journey', touchpoints });
    return this.journey();
  }

  // Contact-frequency rules, calendar, capacities

  async contactRules(): Promise<Omit<ContactRulesEntity, '_id'>> {
    const { _id: _, ...stored } = (await this.deps.repo.getContactRules()) ?? { _id: 'contact-rules' };
    return { ...DEFAULT_CONTACT_RULES, ...stored };
  }

  /** Numbers left out (or null) keep their value; accountAttribute and quiet hours set to null turn off. */
  async setContactRules(input: ContactRulesInput): Promise<Omit<ContactRulesEntity, '_id'>> {
    const current = await this.contactRules();
    const merged: Omit<ContactRulesEntity, '_id'> = {
      minDaysBetweenSurveys: input.minDaysBetweenSurveys ?? current.minDaysBetweenSurveys,
      touchpointDays: input.touchpointDays ?? current.touchpointDays,
      accountMaxSurveys: input.accountMaxSurveys ?? current.accountMaxSurveys,
      accountPeriodDays: input.accountPeriodDays ?? current.accountPeriodDays,
      accountAttribute: input.accountAttribute === undefined ? current.accountAttribute : input.accountAttribute,
      quietHoursStart: input.quietHoursStart === undefined ? current.quietHoursStart : input.quietHoursStart,
      quietHoursEnd: input.quietHoursEnd === undefined ? current.quietHoursEnd : input.quietHoursEnd,
    };
    const problems = contactRulesProblems(merged);
    if (problems.length) throw new InputError(problems);
    await this.deps.repo.putSetting({ _id: 'contact-rules', ...merged });
    return merged;
  }

  async calendar(): Promise<Omit<CalendarEntity, '_id'>> {
    const { _id: _, ...stored } = (await this.deps.repo.getCalendar()) ?? { _id: 'calendar' };
    return { ...DEFAULT_BUSINESS_CALENDAR, workdays: [...DEFAULT_BUSINESS_CALENDAR.workdays], holidays: [], timeZone: 'UTC', ...stored };
  }

  /** Fields left out (or null) keep their value. */
  async setCalendar(input: CalendarInput): Promise<Omit<CalendarEntity, '_id'>> {
    const current = await this.calendar();
    const merged: Omit<CalendarEntity, '_id'> = {
      workdays: input.workdays ?? current.workdays,
      holidays: input.holidays ?? current.holidays,
      openHour: input.openHour ?? current.openHour,
      closeHour: input.closeHour ?? current.closeHour,
      timeZone: input.timeZone ?? current.timeZone,
    };
    const problems = calendarInputProblems(merged);
    if (problems.length) throw new InputError(problems);
    await this.deps.repo.putSetting({ _id: 'calendar', ...merged });
    return merged;
  }

  listTeamCapacities() {
    return this.deps.repo.listTeamCapacities();
  }

  async setTeamCapacity(team: string, perDay: number): Promise<{ _id: string; perDay: number }> {
    const problems = nameProblem('team', team, true);
    if (!Number.isInteger(perDay) || perDay < 0 || perDay > 100_000)
      problems.push({ field: 'perDay', message: 'must be a whole number from 0 to 100000' });
    if (problems.length) throw new InputError(problems);
    await this.deps.repo.setTeamCapacity(team, perDay);
    return { _id: team, perDay };
  }

  // Contacts and touchpoint events

  async setOptOut(customerId: string, optedOut: boolean): Promise<boolean> {
    const problems = customerId.trim() ? [] : [{ field: 'customerExternalId', message: 'is required' }];
    if (problems.length) throw new InputError(problems);
    await this.deps.repo.upsertContact({ customerId, optedOut }, this.deps.clock());
    return optedOut;
  }

  /** Problems of the contact fields a response or event carries (time zone, e-mail), named under `fieldPrefix`. */
  contactProblems(customer: ContactInput, fieldPrefix = 'customer'): FieldProblem[] {
    const problems = timeZoneProblem(`${fieldPrefix}.timeZone`, customer.timeZone);
    if (customer.email != null && !/^[^\s@]+@[^\s@]+$/.test(customer.email))
      problems.push({ field: `${fieldPrefix}.email`, message: 'is not an e-mail address' });
    return problems;
  }

  /** Stores the contact fields of many (already checked) customers in one write: an import. */
  async recordContacts(rows: { customer: ContactInput; attributes: Attribute[] | null | undefined }[]): Promise<void> {
    if (rows.length === 0) return;
    const accountAttribute = (await this.contactRules()).accountAttribute;
    await this.deps.repo.upsertContacts(
      rows.map(({ customer, attributes }) => ({
        customerId: customer.externalId,
        email: customer.email,
        locale: customer.locale,
        timeZone: customer.timeZone,
        optedOut: customer.optedOut,
        account: accountAttribute ? (attributes?.find((a) => a.key === accountAttribute)?.value ?? null) : null,
        attributes,
      })),
      this.deps.clock(),
    );
  }

  async recordEvent(input: TouchpointEventInput): Promise<{ event: TouchpointEventEntity; duplicate: boolean }> {
    const rule = input.touchpoint ? await this.deps.repo.findRuleByTouchpoint(input.touchpoint) : null;
    const checked = this.checkEvent(input, rule, this.deps.clock());
    if ('problems' in checked) throw new InputError(checked.problems);
    await this.recordContacts([{ customer: input.customer, attributes: input.attributes }]);
    return this.deps.repo.insertEvent(checked.event);
  }

  /**
   * Records many events (an import) in bulk: every row checked as recordEvent checks it, the contacts
   * in one write and the events a chunk per write. A bad row is reported by index with its field and
   * the rest are stored; replays (an externalId stored already, or repeated in the rows) are duplicates.
   */
  async importEvents(rows: TouchpointEventInput[]): Promise<{ accepted: number; duplicates: number; errors: ImportRowError[] }> {
    if (rows.length > this.deps.maxImportRows)
      throw new InputError([{ field: 'input', message: `must have at most ${this.deps.maxImportRows} rows (got ${rows.length})` }]);
    const ruleOf = new Map((await this.deps.repo.listRules()).map((r) => [r.touchpoint, r]));
    const now = this.deps.clock();
    const errors: ImportRowError[] = [];
    const valid: { row: TouchpointEventInput; event: NewTouchpointEvent }[] = [];
    for (const [index, row] of rows.entries()) {
      const checked = this.checkEvent(row, ruleOf.get(row.touchpoint) ?? null, now);
      if ('problems' in checked)
        errors.push(...checked.problems.map((p) => ({ index, field: p.field, message: `${p.field}: ${p.message}` })));
      else valid.push({ row, event: checked.event });
    }
    await this.recordContacts(valid.map(({ row }) => ({ customer: row.customer, attributes: row.attributes })));
    const duplicates = (await this.deps.repo.insertEvents(valid.map((v) => v.event))).size;
    return { accepted: valid.length - duplicates, duplicates, errors };
  }

  /** The event to store for one input, or its field-named problems (an unknown touchpoint is one). */
  private checkEvent(
    input: TouchpointEventInput,
    rule: SurveyRuleEntity | null,
    now: Date,
  ): { event: NewTouchpointEvent } | { problems: FieldProblem[] } {
    const problems: FieldProblem[] = [...nameProblem('touchpoint', input.touchpoint, true)];
    if (!input.customer?.externalId?.trim()) problems.push({ field: 'customer.externalId', message: 'is required' });
    if (input.externalId != null && (input.externalId.length === 0 || input.externalId.length > 200))
      problems.push({ field: 'externalId', message: 'must be 1–200 characters' });
    if ((input.attributes?.length ?? 0) > MAX_ATTRIBUTES) problems.push({ field: 'attributes', message: `at most ${MAX_ATTRIBUTES}` });
    problems.push(...timeZoneProblem('customer.timeZone', input.customer?.timeZone));
    const occurredAt = input.occurredAt ?? now;
    if (Number.isNaN(occurredAt.getTime())) problems.push({ field: 'occurredAt', message: 'is not a date' });
    if (!problems.length && !rule)
      problems.push({ field: 'touchpoint', message: `unknown touchpoint ${input.touchpoint}: create a survey rule for it first` });
    if (!problems.length) problems.push(...this.contactProblems(input.customer));
    if (problems.length || !rule) return { problems };
    return {
      event: {
        externalId: input.externalId ?? `evt_${new Types.ObjectId().toHexString()}`,
        customerId: input.customer.externalId,
        touchpoint: input.touchpoint,
        occurredAt,
        attributes: input.attributes ?? [],
        dueAt: new Date(occurredAt.getTime() + rule.delayHours * HOUR_MS),
        status: 'PENDING',
        invitationId: null,
      },
    };
  }

  /** The planner's latest ticks (what each released, skipped, deferred and how long it took). */
  async ticks(first: number | null | undefined) {
    const limit = first ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > this.deps.maxPageSize)
      throw new InputError([{ field: 'first', message: `must be from 1 to ${this.deps.maxPageSize}` }]);
    return this.deps.repo.listTicks(limit);
  }

  // Invitations

  /** A scoped caller (MANAGER) sees only invitations whose attributes carry every scope pair. */
  async invitations(q: InvitationQuery, first: number | null | undefined, after: string | null | undefined, scope: Scope = null) {
    const limit = first ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > this.deps.maxPageSize)
      throw new InputError([{ field: 'first', message: `must be from 1 to ${this.deps.maxPageSize}` }]);
    if (after != null && !Types.ObjectId.isValid(after))
      throw new InputError([{ field: 'after', message: 'is not a cursor from this query' }]);
    const { totalCount, items } = await this.deps.repo.pageInvitations(
      { ...q, requiredTags: scopeTags(scope) },
      limit + 1,
      after ? new Types.ObjectId(after) : null,
    );
    const page = items.slice(0, limit);
    const edges = page.map((node) => ({ cursor: node._id.toHexString(), node }));
    return { totalCount, edges, hasNextPage: items.length > limit, endCursor: edges.at(-1)?.cursor ?? null };
  }

  async invitation(id: string): Promise<InvitationEntity | null> {
    return this.deps.repo.findInvitation(id);
  }

  /** The sending tool reports the survey sent: QUEUED → SENT (idempotent for SENT). */
  async markSent(id: string): Promise<InvitationEntity> {
    const current = await this.mustGet(id, 'id');
    if (current.status === 'SENT') return current;
    const moved = await this.deps.repo.transition(current._id, ['QUEUED'], { status: 'SENT', sentAt: this.deps.clock() });
    if (!moved)
      throw new AppError('CONFLICT', `invitation ${id} is ${current.status}, only QUEUED invitations can be marked sent`, {
        field: 'id',
        status: current.status,
      });
    return moved;
  }

  /** Checks an `invitationId` a response carries before the response is stored. */
  async assertAnswerable(id: string): Promise<void> {
    const problem = await this.answerProblem(id);
    if (problem?.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', problem.message, { field: 'invitationId', id });
    if (problem) throw new InputError([{ field: 'invitationId', message: problem.message }]);
  }

  /** For an import: the invitation ids (of these) that may not be answered, each with why. */
  async answerProblems(ids: string[]): Promise<Map<string, string>> {
    const found = new Map((await this.deps.repo.findInvitations([...new Set(ids)])).map((i) => [i._id.toHexString(), i]));
    const problems = new Map<string, string>();
    for (const id of ids) {
      const current = found.get(id);
      if (!current) problems.set(id, `invitation ${id} not found`);
      else if (current.status === 'SKIPPED') problems.set(id, `invitation ${id} was skipped (${current.skipRule}); it cannot be answered`);
    }
    return problems;
  }

  /** Why a response may not answer this invitation (unknown, or skipped); null when it may. */
  async answerProblem(id: string): Promise<{ code: 'NOT_FOUND' | 'BAD_USER_INPUT'; message: string } | null> {
    const current = await this.deps.repo.findInvitation(id);
    if (!current) return { code: 'NOT_FOUND', message: `invitation ${id} not found` };
    if (current.status === 'SKIPPED')
      return { code: 'BAD_USER_INPUT', message: `invitation ${id} was skipped (${current.skipRule}); it cannot be answered` };
    return null;
  }

  /** A response answered the invitation: QUEUED/SENT/EXPIRED → RESPONDED (a late answer still counts). */
  async recordResponse(id: string, responseId: Types.ObjectId, respondedAt: Date): Promise<void> {
    const current = await this.mustGet(id, 'invitationId');
    await this.deps.repo.transition(current._id, ['QUEUED', 'SENT', 'EXPIRED'], { status: 'RESPONDED', respondedAt, responseId });
  }

  private async mustGet(id: string, field: string): Promise<InvitationEntity> {
    const found = await this.deps.repo.findInvitation(id);
    if (!found) throw new AppError('NOT_FOUND', `invitation ${id} not found`, { field, id });
    return found;
  }

  // Response rates

  /** Rates over the invitations the caller may see (a scoped MANAGER: those within its scope only). */
  async responseRates(
    q: InvitationQuery,
    groupBy: 'TOUCHPOINT' | 'ATTRIBUTE',
    attributeKey?: string | null,
    scope: Scope = null,
  ): Promise<ResponseRate[]> {
    if (groupBy === 'ATTRIBUTE' && !attributeKey)
      throw new InputError([{ field: 'attributeKey', message: 'is required when grouping by ATTRIBUTE' }]);
    const rows = await this.deps.repo.findForRates({ ...q, requiredTags: scopeTags(scope) });
    const groups = new Map<string, { invitations: number; responses: number; hours: number[] }>();
    for (const row of rows) {
      const key = groupBy === 'TOUCHPOINT' ? row.touchpoint : (row.attributes.find((a) => a.key === attributeKey)?.value ?? '(none)');
      const g = groups.get(key) ?? { invitations: 0, responses: 0, hours: [] };
      g.invitations++;
      if (row.status === 'RESPONDED' && row.respondedAt) {
        g.responses++;
        g.hours.push((row.respondedAt.getTime() - (row.sentAt ?? row.plannedAt).getTime()) / HOUR_MS);
      }
      groups.set(key, g);
    }
    return [...groups]
      .map(([key, g]) => ({
        key,
        invitations: g.invitations,
        responses: g.responses,
        rate: g.responses / g.invitations,
        medianHoursToRespond: median(g.hours),
      }))
      .sort((a, b) => b.invitations - a.invitations || a.key.localeCompare(b.key));
  }
}

export interface ResponseRate {
  key: string;
  invitations: number;
  responses: number;
  rate: number;
  medianHoursToRespond: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
