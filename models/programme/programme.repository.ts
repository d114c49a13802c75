/** Reads and writes of the survey programme; reads are lean and return plain objects. */
import { Types, type FilterQuery, type Model } from 'mongoose';
import { chunks, duplicateKeyIndexes, isDuplicateKeyError } from '../bulk.js';
import type {
  AccountSurveysEntity,
  DueEventEntity,
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
import { byDay, DayBuckets, utcDay } from './day-buckets.js';

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

/** A contact's fatigue state after the surveys one planner page released to it. */
export interface SurveyedMark {
  customerId: string;
  at: Date;
  lastByTouchpoint: { touchpoint: string; at: Date }[];
  /** A relationship survey: its cadence restarts at `at`. */
  relationship: boolean;
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

/** A due-queue entry: `<dueAt ISO>|<event id>`, so entries sort oldest due first (then by id). */
export type DueKey = string;
export const dueKey = (e: Pick<DueEventEntity, '_id' | 'dueAt'>): DueKey => `${e.dueAt.toISOString()}|${e._id.toHexString()}`;
/** The due time of an entry, as its ISO string. */
export const dueKeyAt = (key: DueKey) => key.slice(0, key.indexOf('|'));
const dueKeyEvent = (key: DueKey) => new Types.ObjectId(key.slice(key.indexOf('|') + 1));
const dueBuckets = (events: Pick<DueEventEntity, '_id' | 'dueAt'>[]) => byDay(events, (e) => e.dueAt, dueKey);
/** Contacts read per `_id: { $in }` (FerretDB serves it from the index: docs/ferretdb.md, patch 4). */
const IN_CHUNK = 1000;

export class ProgrammeRepository {
  /** Pending events by due day: the planner's due queue is read by `_id`, never by a scan. */
  private readonly due: DayBuckets;
  /** Contacts by the day their relationship cadence started (entries may be stale: checked on read). */
  private readonly cadence: DayBuckets;
  /** QUEUED invitations by the day they were released: expiry reads only the days old enough. */
  private readonly released: DayBuckets;

  constructor(private readonly m: ProgrammeModels) {
    this.due = new DayBuckets(m.dayBuckets, 'due');
    this.cadence = new DayBuckets(m.dayBuckets, 'cadence');
    this.released = new DayBuckets(m.dayBuckets, 'released');
  }

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
  /**
   * Many contacts (an import), a chunk per write: each as upsertContact. Rows of one customer are
   * folded first (a later row's fields win, as if written one after the other).
   */
  async upsertContacts(profiles: ContactProfile[], now: Date): Promise<void> {
    const folded = new Map<string, ContactProfile>();
    for (const p of profiles) {
      const given = Object.fromEntries(Object.entries(p).filter(([k, v]) => v != null && !(k === 'attributes' && !p.attributes?.length)));
      folded.set(p.customerId, { ...folded.get(p.customerId), ...given, customerId: p.customerId });
    }
    for (const part of chunks([...folded.values()])) await this.upsertContactChunk(part, now);
  }
  private async upsertContactChunk(profiles: ContactProfile[], now: Date): Promise<void> {
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
    // New contacts' cadence starts now, entered before they are stored: a run stopped in between leaves an
    // entry without a contact (dropped when read), never a contact the cadence would not find.
    const ids = profiles.map((p) => p.customerId);
    const known = await this.m.contacts
      .find({ _id: { $in: ids } }, { _id: 1 })
      .lean<Pick<ContactEntity, '_id'>[]>()
      .exec();
    const stored = new Set(known.map((c) => c._id));
    await this.cadence.add(new Map([[utcDay(now), ids.filter((id) => !stored.has(id))]]));
    await this.m.contacts.bulkWrite(ops as never, { ordered: false });
  }
  findContact(id: string): Promise<ContactEntity | null> {
    return this.m.contacts.findById(id).lean<ContactEntity>().exec();
  }
  /** By `_id: { $in }`, a chunk per read: served from the `_id` index (on FerretDB too, patch 4). */
  async findContacts(ids: string[]): Promise<ContactEntity[]> {
    const out: ContactEntity[] = [];
    for (const part of chunks(ids, IN_CHUNK))
      out.push(
        ...(await this.m.contacts
          .find({ _id: { $in: part } })
          .lean<ContactEntity[]>()
          .exec()),
      );
    return out;
  }
  /**
   * Surveys were released: the fatigue rules count from `lastSurveyedAt` (the planner computed each
   * contact's new state in memory); a relationship survey restarts the cadence. One write per chunk.
   */
  async markSurveyed(marks: SurveyedMark[]): Promise<void> {
    for (const part of chunks(marks)) {
      // Restarted cadences enter their new day before the anchor moves (see restartCadence).
      const restarted = part.filter((m) => m.relationship);
      await this.cadence.add(
        byDay(
          restarted,
          (m) => m.at,
          (m) => m.customerId,
        ),
      );
      const ops = part.map((m) => {
        const set = { lastSurveyedAt: m.at, lastByTouchpoint: m.lastByTouchpoint, ...(m.relationship ? { relationshipAnchor: m.at } : {}) };
        const update = { $set: set, $setOnInsert: m.relationship ? {} : { relationshipAnchor: m.at } };
        return { updateOne: { filter: { _id: m.customerId }, update, upsert: true } };
      });
      const result = await this.m.contacts.bulkWrite(ops as never, { ordered: false });
      // A contact first seen here starts its cadence now; a restarted one's old day's entry turns stale and is dropped when read.
      const created = new Set(Object.values(result.upsertedIds ?? {}).map(String));
      await this.cadence.add(
        byDay(
          part.filter((m) => created.has(m.customerId) && !m.relationship),
          (m) => m.at,
          (m) => m.customerId,
        ),
      );
    }
  }

  // Relationship cadence
  /**
   * Up to `limit` contacts whose relationship cadence started (last relationship survey, or first
   * seen) at or before `before`, oldest first: read from the cadence's day buckets up to that day and
   * the contacts by `_id`, never a scan of every contact. Entries whose contact has moved on (a newer
   * cadence start in another day) are dropped from their bucket.
   */
  async findCadenceDue(before: Date, limit: number): Promise<ContactEntity[]> {
    if (limit <= 0) return [];
    const due: ContactEntity[] = [];
    const stale = new Map<string, string[]>();
    for (const [day, ids] of await this.cadence.readUpTo(utcDay(before))) {
      const moved: string[] = [];
      for (const contact of await this.findContactsInOrder(ids)) {
        const anchor = contact.value?.relationshipAnchor ?? null;
        if (!contact.value || !anchor || utcDay(anchor) !== day) moved.push(contact.id);
        else if (anchor <= before) due.push(contact.value);
      }
      stale.set(day, moved);
      if (due.length >= limit) break;
    }
    await this.cadence.remove(stale);
    const anchorOf = (c: ContactEntity) => c.relationshipAnchor?.getTime() ?? 0;
    return due.sort((a, b) => anchorOf(a) - anchorOf(b) || (a._id < b._id ? -1 : 1)).slice(0, limit);
  }
  private async findContactsInOrder(ids: string[]): Promise<{ id: string; value: ContactEntity | undefined }[]> {
    const found = new Map((await this.findContacts(ids)).map((c) => [c._id, c]));
    return ids.map((id) => ({ id, value: found.get(id) }));
  }
  /** Restarts the cadence of these contacts at `at` (a relationship survey was planned, or none can be). */
  async restartCadence(contacts: Pick<ContactEntity, '_id' | 'relationshipAnchor'>[], at: Date): Promise<void> {
    if (contacts.length === 0) return;
    // The new day's entries first: a run stopped before the anchors moved leaves entries that a read
    // drops as stale (the old ones still stand), never a contact in no bucket at all.
    await this.cadence.add(
      byDay(
        contacts,
        () => at,
        (c) => c._id,
      ),
    );
    for (const part of chunks(contacts, IN_CHUNK))
      await this.m.contacts.updateMany({ _id: { $in: part.map((c) => c._id) } }, { $set: { relationshipAnchor: at } }).exec();
    const anchored = contacts.filter((c) => c.relationshipAnchor && utcDay(c.relationshipAnchor) !== utcDay(at));
    await this.cadence.remove(
      byDay(
        anchored,
        (c) => c.relationshipAnchor ?? at,
        (c) => c._id,
      ),
    );
  }
  /**
   * Migration: contacts stored before the cadence existed get their first-seen date as its start, and
   * every contact is entered in the cadence's day buckets (contacts stored before the buckets existed,
   * or written straight into the collection). Returns how many contacts were entered.
   */
  async bucketCadences(): Promise<number> {
    const contacts = await this.m.contacts
      .find({}, { _id: 1, createdAt: 1, relationshipAnchor: 1 })
      .lean<Pick<ContactEntity, '_id' | 'createdAt' | 'relationshipAnchor'>[]>()
      .exec();
    const legacy = contacts.filter((c) => !c.relationshipAnchor);
    for (const part of chunks(legacy)) {
      await this.m.contacts.bulkWrite(
        part.map((c) => ({
          updateOne: { filter: { _id: c._id }, update: { $set: { relationshipAnchor: c.createdAt ?? new Date(0) } } },
        })) as never,
        { ordered: false },
      );
    }
    await this.cadence.add(
      byDay(
        contacts,
        (c) => c.relationshipAnchor ?? c.createdAt ?? new Date(0),
        (c) => c._id,
      ),
    );
    return contacts.length;
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
  /**
   * The due queue: every pending event due by `now`, as keys sorted oldest due first. Read from the
   * due day buckets up to today (a registry read and one `_id: { $in }` read), so its length is the
   * planner's backlog, and a page of events is read by `_id` (findDueEvents).
   */
  async dueQueue(now: Date): Promise<DueKey[]> {
    const until = now.toISOString();
    const keys = [...(await this.due.readUpTo(utcDay(now))).values()].flat().filter((k) => dueKeyAt(k) <= until);
    return keys.sort();
  }
  /**
   * Inserts events (an import, cadence events) a chunk per write. Returns the indexes of those refused
   * because their externalId is stored already (a replay): each externalId is stored once.
   */
  async insertEvents(events: Omit<TouchpointEventEntity, '_id' | 'createdAt'>[]): Promise<Set<number>> {
    const docs = events.map((e) => ({ ...e, _id: new Types.ObjectId() }));
    const refused = await insertRefusingDuplicates(this.m.events, docs);
    const queued = docs.filter((_, i) => !refused.has(i)).map(dueOf);
    await insertRefusingDuplicates(this.m.due, queued);
    await this.due.add(dueBuckets(queued));
    await this.requeueReplayed(docs.filter((_, i) => refused.has(i)).map((e) => e.externalId));
    return refused;
  }
  /**
   * A replay finds its stored event: one still PENDING is put in the due queue again (idempotent), so
   * an event whose queue entry was never written (the write failed, the client retried) is planned
   * now rather than at the next start. Read by externalId (a scan on FerretDB): replays only.
   */
  private async requeueReplayed(externalIds: (string | null | undefined)[]): Promise<void> {
    const ids = [...new Set(externalIds.filter((id): id is string => !!id))];
    for (const part of chunks(ids)) {
      const pending = await this.m.events
        .find({ externalId: { $in: part }, status: 'PENDING' }, { customerId: 1, touchpoint: 1, attributes: 1, dueAt: 1 })
        .lean<DueEventEntity[]>()
        .exec();
      await this.requeue(pending);
    }
  }
  /**
   * Enters pending events in the due queue: their due documents (one stored already is kept) and their
   * day buckets. Inserted, not upserted: an upsert's `$setOnInsert` lost an empty `attributes` array on
   * FerretDB, and the planner read such an entry as an event without attributes.
   */
  private async requeue(pending: DueEventEntity[]): Promise<void> {
    await insertRefusingDuplicates(this.m.due, pending.map(dueOf));
    await this.due.add(dueBuckets(pending));
  }
  /**
   * Puts every PENDING event missing from the due queue back in it (run at start): an event whose
   * queue entry was not written (a crash between the two writes) is planned after the restart.
   */
  async requeuePendingEvents(): Promise<number> {
    const pending = await this.m.events
      .find({ status: 'PENDING' }, { customerId: 1, touchpoint: 1, attributes: 1, dueAt: 1 })
      .lean<DueEventEntity[]>()
      .exec();
    await this.requeue(pending);
    return pending.length;
  }

  // Touchpoint events
  /** Inserts the event; a replay of its externalId returns the stored one instead. */
  async insertEvent(
    event: Omit<TouchpointEventEntity, '_id' | 'createdAt'>,
  ): Promise<{ event: TouchpointEventEntity; duplicate: boolean }> {
    try {
      const created = (await this.m.events.create(event)).toObject<TouchpointEventEntity>();
      await this.m.due.create(dueOf(created));
      await this.due.add(dueBuckets([created]));
      return { event: created, duplicate: false };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const stored = await this.m.events.findOne({ externalId: event.externalId }).lean<TouchpointEventEntity>().exec();
      if (!stored) throw err;
      // Still pending: its queue entry may never have been written (see requeueReplayed).
      if (stored.status === 'PENDING') await this.requeue([stored]);
      return { event: stored, duplicate: true };
    }
  }
  /**
   * A page of the due queue (keys from dueQueue), read by `_id: { $in }`, in the keys' order. A key
   * whose event has left the queue (settled by a run that crashed before its key was removed) is
   * removed now.
   */
  async findDueEvents(keys: DueKey[]): Promise<DueEventEntity[]> {
    if (keys.length === 0) return [];
    const docs = await this.m.due
      .find({ _id: { $in: keys.map(dueKeyEvent) } })
      .lean<DueEventEntity[]>()
      .exec();
    // Entries requeued by an older version may lack an empty `attributes` (see requeue).
    const byKey = new Map(docs.map((d) => [dueKey(d), { ...d, attributes: d.attributes ?? [] }]));
    const gone = keys.filter((k) => !byKey.has(k));
    await this.due.remove(
      byDay(
        gone,
        (k) => new Date(dueKeyAt(k)),
        (k) => k,
      ),
    );
    return keys.map((k) => byKey.get(k)).filter((d): d is DueEventEntity => d !== undefined);
  }
  /** Settles pending events with their invitation, a chunk per write (an event settled already keeps its state). */
  async settleEvents(
    settled: { eventId: Types.ObjectId; dueAt: Date; status: EventStatus; invitationId: Types.ObjectId }[],
  ): Promise<void> {
    for (const part of chunks(settled)) {
      const ops = part.map((e) => ({
        updateOne: { filter: { _id: e.eventId, status: 'PENDING' }, update: { $set: { status: e.status, invitationId: e.invitationId } } },
      }));
      await this.m.events.bulkWrite(ops as never, { ordered: false });
      await this.m.due.deleteMany({ _id: { $in: part.map((e) => e.eventId) } }).exec();
      await this.due.remove(dueBuckets(part.map((e) => ({ _id: e.eventId, dueAt: e.dueAt }))));
    }
  }

  // Invitations
  /**
   * Inserts invitations a chunk per write. Returns the indexes of those refused because their event
   * has an invitation already (an earlier planner run): one event, one invitation.
   */
  async insertInvitations(invitations: InvitationEntity[]): Promise<Set<number>> {
    // Entered for expiry before they are stored: a run stopped in between leaves ids that match no
    // invitation (harmless to the expiry), never a released invitation that does not expire.
    await this.bucketReleased(invitations.filter((inv) => inv.status === 'QUEUED'));
    return insertRefusingDuplicates(this.m.invitations, invitations);
  }
  private bucketReleased(invitations: Pick<InvitationEntity, '_id' | 'plannedAt'>[]): Promise<void> {
    return this.released.add(
      byDay(
        invitations,
        (i) => i.plannedAt,
        (i) => i._id.toHexString(),
      ),
    );
  }
  /** Migration: released invitations stored before the expiry's day buckets existed are entered in them. */
  async bucketReleasedInvitations(): Promise<number> {
    const open = await this.m.invitations
      .find({ status: { $in: ['QUEUED', 'SENT'] } }, { _id: 1, plannedAt: 1 })
      .lean<Pick<InvitationEntity, '_id' | 'plannedAt'>[]>()
      .exec();
    await this.bucketReleased(open);
    return open.length;
  }
  /**
   * The stored invitations of these events: by `_id` (an invitation's id is its event's), then by
   * `eventId` for those not found — invitations stored before ids were shared, a scan on FerretDB,
   * read only when such an invitation's event is still pending.
   */
  async findInvitationsOfEvents(eventIds: Types.ObjectId[]): Promise<InvitationEntity[]> {
    if (eventIds.length === 0) return [];
    const byId = await this.m.invitations
      .find({ _id: { $in: eventIds } })
      .lean<InvitationEntity[]>()
      .exec();
    const found = new Set(byId.map((i) => i.eventId.toHexString()));
    const older = eventIds.filter((id) => !found.has(id.toHexString()));
    if (older.length === 0) return byId;
    return [
      ...byId,
      ...(await this.m.invitations
        .find({ eventId: { $in: older } })
        .lean<InvitationEntity[]>()
        .exec()),
    ];
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
  /**
   * QUEUED or SENT invitations released before `before` become EXPIRED. Reads only the released days
   * up to `before`'s (by `_id`); days wholly before it are done and leave the buckets.
   */
  async expireBefore(before: Date, now: Date): Promise<number> {
    let expired = 0;
    const done = new Map<string, string[]>();
    for (const [day, ids] of await this.released.readUpTo(utcDay(before))) {
      for (const part of chunks(ids, IN_CHUNK)) {
        const filter = {
          _id: { $in: part.map((id) => new Types.ObjectId(id)) },
          status: { $in: ['QUEUED', 'SENT'] },
          plannedAt: { $lt: before },
        };
        expired += (await this.m.invitations.updateMany(filter, { $set: { status: 'EXPIRED', expiredAt: now } }).exec()).modifiedCount;
      }
      if (day < utcDay(before)) done.set(day, ids);
    }
    await this.released.remove(done);
    return expired;
  }
  /** Each account's log of release times (read by `_id: { $in }`); an account with none has an empty log. */
  async findAccountSurveys(accounts: string[]): Promise<Map<string, Date[]>> {
    const logs = new Map<string, Date[]>(accounts.map((a) => [a, []]));
    for (const part of chunks(accounts, IN_CHUNK)) {
      const found = await this.m.accountSurveys
        .find({ _id: { $in: part } })
        .lean<AccountSurveysEntity[]>()
        .exec();
      for (const log of found) logs.set(log._id, log.at ?? []);
    }
    return logs;
  }
  /**
   * Logs `count` surveys released to each account at `at`, and takes the given old release times out
   * of their accounts' logs (older than every fatigue window: no rule reads them again).
   */
  async addAccountSurveys(counts: Map<string, number>, at: Date, trim: Map<string, Date[]> = new Map()): Promise<void> {
    const ops = [
      ...[...counts].map(([account, count]) => ({
        updateOne: { filter: { _id: account }, update: { $push: { at: { $each: Array<Date>(count).fill(at) } } }, upsert: true },
      })),
      ...[...trim]
        .filter(([, old]) => old.length)
        .map(([account, old]) => ({ updateOne: { filter: { _id: account }, update: { $pullAll: { at: old } } } })),
    ];
    for (const part of chunks(ops)) await this.m.accountSurveys.bulkWrite(part as never, { ordered: false });
  }
  /** Builds the account logs from the released invitations (once, for invitations stored by an older version). */
  async seedAccountSurveys(): Promise<number> {
    const released = await this.m.invitations
      .find({ account: { $ne: null }, status: { $ne: 'SKIPPED' } }, { account: 1, plannedAt: 1 })
      .lean<Pick<InvitationEntity, 'account' | 'plannedAt'>[]>()
      .exec();
    const byAccount = new Map<string, Date[]>();
    for (const { account, plannedAt } of released) if (account) byAccount.set(account, [...(byAccount.get(account) ?? []), plannedAt]);
    for (const part of chunks([...byAccount])) {
      // Pushed, not set: a planner of this version releasing meanwhile keeps its entries (a re-run after a
      // crash before the migration's mark counts those surveys twice: the strict side of the account limit).
      const ops = part.map(([account, at]) => ({
        updateOne: { filter: { _id: account }, update: { $push: { at: { $each: at } } }, upsert: true },
      }));
      await this.m.accountSurveys.bulkWrite(ops as never, { ordered: false });
    }
    return byAccount.size;
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
  async deleteSetting(id: string): Promise<void> {
    await this.m.settings.deleteOne({ _id: id }).exec();
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
  /** Adds released surveys to each `team|day` key's count, in one write. */
  async addCapacityUse(counts: Map<string, number>): Promise<void> {
    if (counts.size === 0) return;
    const ops = [...counts].map(([key, count]) => ({
      updateOne: { filter: { _id: key }, update: { $inc: { count } }, upsert: true },
    }));
    await this.m.capacityUse.bulkWrite(ops as never, { ordered: false });
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

/** Inserts in chunks of this many documents: inserts touch no stored document, so larger than an update chunk. */
const INSERT_CHUNK = 500;

/** Unordered inserts a chunk per write; the indexes (into `docs`) refused by a unique key are returned, any other error thrown. */
async function insertRefusingDuplicates<T>(model: Model<T>, docs: readonly object[]): Promise<Set<number>> {
  const refused = new Set<number>();
  for (let offset = 0; offset < docs.length; offset += INSERT_CHUNK) {
    const part = docs.slice(offset, offset + INSERT_CHUNK);
    try {
      await model.insertMany(part, { ordered: false });
    } catch (err) {
      const duplicates = duplicateKeyIndexes(err, part.length);
      if (!duplicates) throw err;
      for (const i of duplicates) refused.add(offset + i);
    }
  }
  return refused;
}

function dueOf(e: Pick<TouchpointEventEntity, '_id' | 'customerId' | 'touchpoint' | 'attributes' | 'dueAt'>): DueEventEntity {
  return { _id: e._id, customerId: e.customerId, touchpoint: e.touchpoint, attributes: e.attributes, dueAt: e.dueAt };
}
