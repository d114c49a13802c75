/** Reads and writes of the survey programme; reads are lean and return plain objects. */
import { Types, type FilterQuery } from 'mongoose';
import { isDuplicateKeyError } from '../bulk.js';
import type {
  CalendarEntity,
  ContactEntity,
  ContactRulesEntity,
  EventStatus,
  InvitationEntity,
  InvitationStatus,
  SurveyRuleEntity,
  TeamCapacityEntity,
  TouchpointEventEntity,
  DispatchTickEntity,
} from './programme.entity.js';
import type { ProgrammeModels } from './programme.schema.js';
import { attributeTag, type Attribute } from '../response/response.entity.js';

export interface ContactProfile {
  customerId: string;
  email?: string | null;
  locale?: string | null;
  timeZone?: string | null;
  optedOut?: boolean | null;
  account?: string | null;
  /** The customer's latest attributes (of an event or response): relationship surveys carry them. */
  attributes?: Attribute[] | null;
}

export interface InvitationQuery {
  statuses?: InvitationStatus[] | null;
  touchpoints?: string[] | null;
  customerId?: string | null;
  /** plannedAt >= from. */
  from?: Date | null;
  /** plannedAt < to. */
  to?: Date | null;
  /** Tags (attributeTag) an invitation must all carry: a MANAGER's scope (scopeTags). Empty: every invitation. */
  requiredTags?: string[] | null;
}

export class ProgrammeRepository {
  constructor(private readonly m: ProgrammeModels) {}

  // Survey rules
  listRules(): Promise<SurveyRuleEntity[]> {
    return this.m.rules.find().sort({ touchpoint: 1 }).lean<SurveyRuleEntity[]>().exec();
  }
  findRule(id: string): Promise<SurveyRuleEntity | null> {
    if (!Types.ObjectId.isValid(id)) return Promise.resolve(null);
    return this.m.rules.findById(id).lean<SurveyRuleEntity>().exec();
  }
  findRuleByTouchpoint(touchpoint: string): Promise<SurveyRuleEntity | null> {
    return this.m.rules.findOne({ touchpoint }).lean<SurveyRuleEntity>().exec();
  }
  async createRule(rule: Omit<SurveyRuleEntity, '_id' | 'createdAt' | 'updatedAt'>): Promise<SurveyRuleEntity | 'duplicate'> {
    try {
      return (await this.m.rules.create(rule)).toObject<SurveyRuleEntity>();
    } catch (err) {
      if (isDuplicateKeyError(err)) return 'duplicate';
      throw err;
    }
  }
  updateRule(id: string, set: Partial<SurveyRuleEntity>): Promise<SurveyRuleEntity | null> {
    return this.m.rules.findByIdAndUpdate(id, { $set: set }, { new: true }).lean<SurveyRuleEntity>().exec();
  }
  async deleteRule(id: string): Promise<boolean> {
    if (!Types.ObjectId.isValid(id)) return false;
    return (await this.m.rules.deleteOne({ _id: id }).exec()).deletedCount > 0;
  }

  // Contacts
  /** Sets only the fields given: an omitted e-mail never erases a known one. A new contact's cadence starts `now`. */
  async upsertContact(p: ContactProfile, now: Date): Promise<void> {
    await this.upsertContacts([p], now);
  }
  /** One write for many contacts (an import): each as upsertContact. */
  async upsertContacts(profiles: ContactProfile[], now: Date): Promise<void> {
    if (profiles.length === 0) return;
    const ops = profiles.map((p) => {
      const set: Partial<ContactEntity> = {};
      if (p.email != null) set.email = p.email;
      if (p.locale != null) set.locale = p.locale;
      if (p.timeZone != null) set.timeZone = p.timeZone;
      if (p.optedOut != null) set.optedOut = p.optedOut;
      if (p.account != null) set.account = p.account;
      if (p.attributes?.length) set.attributes = p.attributes;
      // First seen: the relationship cadence counts from here until the first relationship survey.
      const onInsert: Partial<ContactEntity> = { relationshipAnchor: now, ...(p.optedOut == null ? { optedOut: false } : {}) };
      return { updateOne: { filter: { _id: p.customerId }, update: { $set: set, $setOnInsert: onInsert }, upsert: true } };
    });
    await this.m.contacts.bulkWrite(ops as never, { ordered: false });
  }
  findContact(id: string): Promise<ContactEntity | null> {
    return this.m.contacts.findById(id).lean<ContactEntity>().exec();
  }
  findContacts(ids: string[]): Promise<ContactEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.m.contacts
      .find({ _id: { $in: ids } })
      .lean<ContactEntity[]>()
      .exec();
  }
  /** A survey was released: the fatigue rules count from `at`; a relationship survey restarts the cadence. */
  async markSurveyed(customerId: string, touchpoint: string, at: Date, relationship: boolean): Promise<void> {
    const contact = await this.findContact(customerId);
    const byTouchpoint = (contact?.lastByTouchpoint ?? []).filter((t) => t.touchpoint !== touchpoint).concat({ touchpoint, at });
    const set = { lastSurveyedAt: at, lastByTouchpoint: byTouchpoint, ...(relationship ? { relationshipAnchor: at } : {}) };
    await this.m.contacts
      .updateOne({ _id: customerId }, { $set: set, $setOnInsert: relationship ? {} : { relationshipAnchor: at } }, { upsert: true })
      .exec();
  }

  // Relationship cadence
  /**
   * Contacts whose relationship cadence started (last relationship survey, or first seen) at or before
   * `before`, oldest first: one indexed range read of at most `limit`, never a scan of every contact.
   */
  findCadenceDue(before: Date, limit: number): Promise<ContactEntity[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.m.contacts
      .find({ relationshipAnchor: { $lte: before } })
      .sort({ relationshipAnchor: 1, _id: 1 })
      .limit(limit)
      .lean<ContactEntity[]>()
      .exec();
  }
  /** Restarts the cadence of these contacts at `at` (a relationship survey was planned, or none can be). */
  async restartCadence(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.m.contacts.updateMany({ _id: { $in: ids } }, { $set: { relationshipAnchor: at } }).exec();
  }
  /** Contacts stored before the cadence existed get their first-seen date as its start (a page per call). */
  async anchorLegacyContacts(limit: number): Promise<number> {
    const legacy = await this.m.contacts
      .find({ relationshipAnchor: null }, { _id: 1, createdAt: 1 })
      .limit(limit)
      .lean<Pick<ContactEntity, '_id' | 'createdAt'>[]>()
      .exec();
    if (legacy.length === 0) return 0;
    await this.m.contacts.bulkWrite(
      legacy.map((c) => ({
        updateOne: { filter: { _id: c._id }, update: { $set: { relationshipAnchor: c.createdAt ?? new Date(0) } } },
      })) as never,
      { ordered: false },
    );
    return legacy.length;
  }
  /**
   * Invitations stored before scope tags existed get them from their attributes (a page per call), so
   * a MANAGER key's scope finds them too. Returns how many were tagged.
   */
  async tagLegacyInvitations(limit: number): Promise<number> {
    const legacy = await this.m.invitations
      .find({ attributeTags: { $exists: false } }, { _id: 1, attributes: 1 })
      .limit(limit)
      .lean<Pick<InvitationEntity, '_id' | 'attributes'>[]>()
      .exec();
    if (legacy.length === 0) return 0;
    await this.m.invitations.bulkWrite(
      legacy.map((i) => ({
        updateOne: {
          filter: { _id: i._id },
          update: { $set: { attributeTags: (i.attributes ?? []).map((a) => attributeTag(a.key, a.value)) } },
        },
      })) as never,
      { ordered: false },
    );
    return legacy.length;
  }
  /** Pending events due by `now`, counted up to `limit` (the planner's backlog, bounded). */
  countDueBacklog(now: Date, limit: number): Promise<number> {
    return this.m.events.countDocuments({ status: 'PENDING', dueAt: { $lte: now } }, { limit }).exec();
  }
  /** Inserts cadence events; replays (same externalId, e.g. after a crash) are ignored. Returns how many are new. */
  async insertEvents(events: Omit<TouchpointEventEntity, '_id' | 'createdAt'>[]): Promise<number> {
    if (events.length === 0) return 0;
    try {
      return (await this.m.events.insertMany(events, { ordered: false })).length;
    } catch (err) {
      const inserted = (err as { insertedDocs?: unknown[] }).insertedDocs;
      if (isDuplicateKeyError(err) || (err as { writeErrors?: unknown[] }).writeErrors) return inserted?.length ?? 0;
      throw err;
    }
  }

  // Touchpoint events
  /** Inserts the event; a replay of its externalId returns the stored one instead. */
  async insertEvent(
    event: Omit<TouchpointEventEntity, '_id' | 'createdAt'>,
  ): Promise<{ event: TouchpointEventEntity; duplicate: boolean }> {
    try {
      return { event: (await this.m.events.create(event)).toObject<TouchpointEventEntity>(), duplicate: false };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const stored = await this.m.events.findOne({ externalId: event.externalId }).lean<TouchpointEventEntity>().exec();
      if (!stored) throw err;
      return { event: stored, duplicate: true };
    }
  }
  /** Pending events due by `now`, oldest due first. */
  findDueEvents(now: Date, limit: number): Promise<TouchpointEventEntity[]> {
    return this.m.events
      .find({ status: 'PENDING', dueAt: { $lte: now } })
      .sort({ dueAt: 1, _id: 1 })
      .limit(limit)
      .lean<TouchpointEventEntity[]>()
      .exec();
  }
  async settleEvent(id: Types.ObjectId, status: EventStatus, invitationId: Types.ObjectId): Promise<void> {
    await this.m.events.updateOne({ _id: id, status: 'PENDING' }, { $set: { status, invitationId } }).exec();
  }

  // Invitations
  /** Inserts the invitation of an event; false when the event has one already (another planner run). */
  async insertInvitation(invitation: InvitationEntity): Promise<boolean> {
    try {
      await this.m.invitations.create(invitation);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }
  findInvitationOfEvent(eventId: Types.ObjectId): Promise<InvitationEntity | null> {
    return this.m.invitations.findOne({ eventId }).lean<InvitationEntity>().exec();
  }
  findInvitation(id: string): Promise<InvitationEntity | null> {
    if (!Types.ObjectId.isValid(id)) return Promise.resolve(null);
    return this.m.invitations.findById(id).lean<InvitationEntity>().exec();
  }
  findInvitations(ids: string[]): Promise<InvitationEntity[]> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id));
    if (valid.length === 0) return Promise.resolve([]);
    return this.m.invitations
      .find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } })
      .lean<InvitationEntity[]>()
      .exec();
  }
  /** Moves an invitation from one of `from` to `set.status`; null when it was in no such status. */
  transition(id: Types.ObjectId, from: InvitationStatus[], set: Partial<InvitationEntity>): Promise<InvitationEntity | null> {
    return this.m.invitations
      .findOneAndUpdate({ _id: id, status: { $in: from } }, { $set: set }, { new: true })
      .lean<InvitationEntity>()
      .exec();
  }
  async expireBefore(before: Date, now: Date): Promise<number> {
    const res = await this.m.invitations
      .updateMany({ status: { $in: ['QUEUED', 'SENT'] }, plannedAt: { $lt: before } }, { $set: { status: 'EXPIRED', expiredAt: now } })
      .exec();
    return res.modifiedCount;
  }
  countAccountSurveys(account: string, since: Date): Promise<number> {
    return this.m.invitations.countDocuments({ account, plannedAt: { $gte: since }, status: { $ne: 'SKIPPED' } }).exec();
  }
  private invitationFilter(q: InvitationQuery): FilterQuery<InvitationEntity> {
    const f: FilterQuery<InvitationEntity> = {};
    if (q.statuses?.length) f.status = { $in: q.statuses };
    if (q.touchpoints?.length) f.touchpoint = { $in: q.touchpoints };
    if (q.customerId) f.customerId = q.customerId;
    if (q.from || q.to) f.plannedAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
    if (q.requiredTags?.length) f.attributeTags = { $all: q.requiredTags };
    return f;
  }
  /** Newest first, keyset-paged by id. */
  async pageInvitations(
    q: InvitationQuery,
    limit: number,
    afterId: Types.ObjectId | null,
  ): Promise<{ totalCount: number; items: InvitationEntity[] }> {
    const filter = this.invitationFilter(q);
    const [totalCount, items] = await Promise.all([
      this.m.invitations.countDocuments(filter).exec(),
      this.m.invitations
        .find(afterId ? { $and: [filter, { _id: { $lt: afterId } }] } : filter)
        .sort({ _id: -1 })
        .limit(limit)
        .lean<InvitationEntity[]>()
        .exec(),
    ]);
    return { totalCount, items };
  }
  /** Released (not skipped) invitations for response rates: only the fields the rates need. */
  findForRates(
    q: InvitationQuery,
  ): Promise<Pick<InvitationEntity, 'touchpoint' | 'attributes' | 'status' | 'plannedAt' | 'sentAt' | 'respondedAt'>[]> {
    const filter = { $and: [this.invitationFilter(q), { status: { $ne: 'SKIPPED' } }] };
    return this.m.invitations
      .find(filter, { touchpoint: 1, attributes: 1, status: 1, plannedAt: 1, sentAt: 1, respondedAt: 1 })
      .lean<InvitationEntity[]>()
      .exec();
  }

  // Settings
  async getSetting<T extends { _id: string }>(id: T['_id']): Promise<T | null> {
    return (await this.m.settings.findById(id).lean().exec()) as T | null;
  }
  async putSetting<T extends { _id: string }>(doc: T): Promise<void> {
    const { _id, ...rest } = doc;
    await this.m.settings.updateOne({ _id }, { $set: rest }, { upsert: true }).exec();
  }
  getContactRules(): Promise<ContactRulesEntity | null> {
    return this.getSetting<ContactRulesEntity>('contact-rules');
  }
  getCalendar(): Promise<CalendarEntity | null> {
    return this.getSetting<CalendarEntity>('calendar');
  }
  listTeamCapacities(): Promise<TeamCapacityEntity[]> {
    // A team defined by setTeam without a capacity shares the collection: only teams with one.
    return this.m.teamCapacities
      .find({ perDay: { $ne: null } })
      .sort({ _id: 1 })
      .lean<TeamCapacityEntity[]>()
      .exec();
  }
  async setTeamCapacity(team: string, perDay: number): Promise<void> {
    await this.m.teamCapacities.updateOne({ _id: team }, { $set: { perDay } }, { upsert: true }).exec();
  }
  async capacityUsed(keys: string[]): Promise<Map<string, number>> {
    const docs = await this.m.capacityUse
      .find({ _id: { $in: keys } })
      .lean()
      .exec();
    return new Map(docs.map((d) => [d._id, d.count]));
  }
  async addCapacityUse(key: string, count: number): Promise<void> {
    await this.m.capacityUse.updateOne({ _id: key }, { $inc: { count } }, { upsert: true }).exec();
  }

  // Planner ticks
  /** Claims a tick: true for exactly one caller per tick id. */
  async claimTick(id: string, at: Date): Promise<boolean> {
    try {
      await this.m.ticks.create({ _id: id, at, relationship: 0, released: 0, skipped: 0, deferred: 0, expired: 0, tookMs: 0, done: false });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }
  /** Latest ticks first. */
  listTicks(limit: number): Promise<DispatchTickEntity[]> {
    return this.m.ticks.find().sort({ at: -1, _id: -1 }).limit(limit).lean<DispatchTickEntity[]>().exec();
  }
  async finishTick(tick: DispatchTickEntity): Promise<void> {
    const { _id, ...rest } = tick;
    await this.m.ticks.updateOne({ _id }, { $set: rest }).exec();
  }
}
