/** Report subscriptions: validated creation, listing and deletion within the caller's scope. */
import type { Types } from 'mongoose';
import type { Attribute } from '../../../models/response/response.entity.js';
import type { ReportDeliveryEntity, ReportSubscriptionEntity, Weekday } from '../../../models/report/report.entity.js';
import type { ReportRepository } from '../../../models/report/report.repository.js';
import { InputError, notFound, type FieldProblem } from '../../errors.js';
import { inScope } from '../auth/scope.js';
import { isValidTimeZone } from '../../domain/business-calendar.js';
import { WEEKDAYS } from './schedule.js';
import { checkScope } from './weekly-report.service.js';

/** Deliberately plain: one @, no spaces, a dot in the domain; the SMTP server has the last word. */
const EMAIL = /^[^\s@<>()",;]{1,64}@[^\s@<>()",;]+\.[^\s@<>()",;]{2,}$/;
const MAX_SUBSCRIPTIONS = 10_000;

/** A plausible e-mail address (report recipients, notification preferences). */
export function isEmailAddress(text: string): boolean {
  return text.length <= 254 && EMAIL.test(text);
}

export interface CreateSubscriptionInput {
  recipient: { email: string; name?: string | null };
  scope: Attribute[];
  schedule: 'WEEKLY';
  weekday: Weekday;
  hour: number;
  timeZone: string;
}

export class ReportSubscriptionService {
  constructor(private readonly deps: { reports: ReportRepository; now: () => Date; maxPageSize: number }) {}

  async create(input: CreateSubscriptionInput, createdByKeyId: string): Promise<ReportSubscriptionEntity> {
    const problems: FieldProblem[] = [];
    const email = input.recipient.email.trim();
    if (!isEmailAddress(email))
      problems.push({ field: 'input.recipient.email', message: 'must be an e-mail address such as ana@example.com' });
    const name = input.recipient.name?.trim() || null;
    if (name && (name.length > 200 || /[\r\n]/.test(name)))
      problems.push({ field: 'input.recipient.name', message: 'must be one line of at most 200 characters' });
    if (input.schedule !== 'WEEKLY') problems.push({ field: 'input.schedule', message: 'must be WEEKLY' });
    if (!WEEKDAYS.includes(input.weekday)) problems.push({ field: 'input.weekday', message: `must be one of ${WEEKDAYS.join(', ')}` });
    if (!Number.isInteger(input.hour) || input.hour < 0 || input.hour > 23)
      problems.push({ field: 'input.hour', message: 'must be an hour from 0 to 23' });
    if (!isValidTimeZone(input.timeZone))
      problems.push({ field: 'input.timeZone', message: 'must be an IANA time zone such as America/Los_Angeles' });
    if (problems.length) throw new InputError(problems);
    checkScope(input.scope, 'input.scope');
    if ((await this.deps.reports.subscriptions()).length >= MAX_SUBSCRIPTIONS)
      throw new InputError([{ field: 'input', message: `at most ${MAX_SUBSCRIPTIONS} subscriptions` }]);
    return this.deps.reports.createSubscription({
      recipient: { email, name },
      scope: input.scope.map((a) => ({ key: a.key, value: a.value })),
      schedule: 'WEEKLY',
      weekday: input.weekday,
      hour: input.hour,
      timeZone: input.timeZone,
      createdByKeyId,
      createdAt: this.deps.now(),
    });
  }

  /** Subscriptions whose scope lies within the caller's (all for an unscoped caller). */
  async list(callerScope: readonly Attribute[]): Promise<ReportSubscriptionEntity[]> {
    return (await this.deps.reports.subscriptions()).filter((s) => inScope(s.scope, callerScope));
  }

  async delete(id: string, callerScope: readonly Attribute[]): Promise<boolean> {
    const found = await this.deps.reports.subscription(id);
    if (!found || !inScope(found.scope, callerScope)) throw notFound('report subscription', id);
    return this.deps.reports.deleteSubscription(id);
  }

  /** The delivery log, newest first, of the subscriptions the caller may see. */
  async deliveries(callerScope: readonly Attribute[], first: number | null | undefined): Promise<ReportDeliveryEntity[]> {
    const limit = first ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > this.deps.maxPageSize)
      throw new InputError([{ field: 'first', message: `must be from 1 to ${this.deps.maxPageSize}` }]);
    const ids: Types.ObjectId[] | null = callerScope.length ? (await this.list(callerScope)).map((s) => s._id) : null;
    return this.deps.reports.deliveries(ids, limit);
  }
}
