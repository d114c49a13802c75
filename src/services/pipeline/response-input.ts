/**
 * Validation and normalisation of a submitted response, shared by every ingestion path.
 * Rejections name the field; hostile strings are made safe rather than stored as sent.
 */
import type { FieldProblem } from '../../errors.js';

export interface ResponseInputData {
  externalId?: string | null;
  score: number;
  comment?: string | null;
  respondedAt?: Date | string | null;
  touchpoint?: string | null;
  channel?: string | null;
  customer?: {
    externalId: string;
    name?: string | null;
    email?: string | null;
    accountValue?: number | null;
  } | null;
  attributes?: { key: string; value: string }[] | null;
}

export interface ValidResponseInput {
  externalId: string | null;
  score: number;
  comment: string | null;
  respondedAt: Date | null;
  touchpoint: string | null;
  channel: string | null;
  customer: { externalId: string; name: string | null; email: string | null; accountValue: number | null } | null;
  attributes: { key: string; value: string }[];
}

export interface InputLimits {
  maxCommentLength: number;
  clockSkewSeconds: number;
}

const LIMITS = {
  externalId: 200,
  shortText: 200,
  email: 320,
  attributes: 50,
  attributeValue: 200,
  accountValue: 1e12,
} as const;

/** Attribute keys are identifiers: never `$…` or dotted, so they cannot act as operators or paths. */
export const ATTRIBUTE_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EARLIEST = Date.UTC(2000, 0, 1);

/** Removes NUL and other control characters (keeping tab and newlines) and repairs lone surrogates. */
function cleanText(text: string): string {
  return text.toWellFormed().replace(CONTROL_CHARACTERS, '').trim();
}

// eslint-disable-next-line no-control-regex -- removing control characters is this pattern's job
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function validateResponseInput(
  input: ResponseInputData,
  limits: InputLimits,
  now: Date = new Date(),
): { value: ValidResponseInput; problems: [] } | { value: null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });

  const text = (field: string, raw: unknown, max: number, { required = false } = {}): string | null => {
    if (raw === undefined || raw === null) {
      if (required) problem(field, 'is required');
      return null;
    }
    if (typeof raw !== 'string') {
      problem(field, 'must be a string');
      return null;
    }
    const cleaned = cleanText(raw);
    if (cleaned.length === 0) {
      if (required) problem(field, 'must not be empty');
      return null;
    }
    if (cleaned.length > max) {
      problem(field, `must be at most ${max} characters (got ${cleaned.length})`);
      return null;
    }
    return cleaned;
  };

  const score = input.score as unknown;
  if (score === undefined || score === null) problem('score', 'is required');
  else if (typeof score !== 'number' || !Number.isInteger(score)) problem('score', 'must be an integer from 0 to 10');
  else if (score < 0 || score > 10) problem('score', `must be an integer from 0 to 10 (got ${score})`);

  const externalId = text('externalId', input.externalId, LIMITS.externalId);
  const comment = text('comment', input.comment, limits.maxCommentLength);
  const touchpoint = text('touchpoint', input.touchpoint, LIMITS.shortText);
  const channel = text('channel', input.channel, LIMITS.shortText);

  let respondedAt: Date | null = null;
  if (input.respondedAt !== undefined && input.respondedAt !== null) {
    const date = input.respondedAt instanceof Date ? input.respondedAt : new Date(String(input.respondedAt));
    if (Number.isNaN(date.getTime())) problem('respondedAt', 'must be an ISO-8601 date-time');
    else if (date.getTime() > now.getTime() + limits.clockSkewSeconds * 1000) problem('respondedAt', 'must not be in the future');
    else if (date.getTime() < EARLIEST) problem('respondedAt', 'must be after 2000-01-01');
    else respondedAt = date;
  }

  let customer: ValidResponseInput['customer'] = null;
  if (input.customer !== undefined && input.customer !== null) {
    const c = input.customer;
    const customerId = text('customer.externalId', c.externalId, LIMITS.externalId, { required: true });
    const name = text('customer.name', c.name, LIMITS.shortText);
    const email = text('customer.email', c.email, LIMITS.email);
    if (email && !EMAIL.test(email)) problem('customer.email', 'must be an e-mail address');
    let accountValue: number | null = null;
    if (c.accountValue !== undefined && c.accountValue !== null) {
      if (
        typeof c.accountValue !== 'number' ||
        !Number.isFinite(c.accountValue) ||
        c.accountValue < 0 ||
        c.accountValue > LIMITS.accountValue
      ) {
        problem('customer.accountValue', `must be a number from 0 to ${LIMITS.accountValue}`);
      } else accountValue = c.accountValue;
    }
    if (customerId) customer = { externalId: customerId, name, email: email?.toLowerCase() ?? null, accountValue };
  }

  const attributes: { key: string; value: string }[] = [];
  const rawAttributes = input.attributes ?? [];
  if (!Array.isArray(rawAttributes)) problem('attributes', 'must be a list');
  else if (rawAttributes.length > LIMITS.attributes) problem('attributes', `must have at most ${LIMITS.attributes} entries`);
  else {
    const seen = new Set<string>();
    rawAttributes.forEach((attribute, i) => {
      const field = `attributes[${i}]`;
      const key = typeof attribute?.key === 'string' ? attribute.key.trim() : '';
      if (!ATTRIBUTE_KEY.test(key)) {
        problem(`${field}.key`, 'must start with a letter and contain only letters, digits, _ or - (at most 64)');
        return;
      }
      if (seen.has(key)) {
        problem(`${field}.key`, `repeats the key '${key}'`);
        return;
      }
      seen.add(key);
      const value = text(`${field}.value`, attribute.value, LIMITS.attributeValue, { required: true });
      if (value !== null) attributes.push({ key, value });
    });
  }

  if (problems.length > 0) return { value: null, problems };
  return {
    value: { externalId, score: score as number, comment, respondedAt, touchpoint, channel, customer, attributes },
    problems: [],
  };
}
