/** Validation of webhook endpoint input, with field-named problems. Pure. */
import { EVENT_TYPES, type EventType } from '../events.js';
import type { FieldProblem } from '../../errors.js';

const MAX_URL_LENGTH = 2048;
const MAX_DESCRIPTION_LENGTH = 500;

export interface WebhookFields {
  url?: string | null;
  events?: readonly string[] | null;
  description?: string | null;
}

export interface CleanWebhookFields {
  url?: string;
  events?: EventType[];
  description?: string | null;
}

/** Checks the fields that are present (`required` ones must be); returns them cleaned or the problems. */
export function validateWebhookFields(
  input: WebhookFields,
  required: (keyof WebhookFields)[],
): { value: CleanWebhookFields; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const value: CleanWebhookFields = {};
  for (const field of required) {
    if (input[field] === undefined || input[field] === null) problems.push({ field, message: 'is required' });
  }

  if (input.url !== undefined && input.url !== null) {
    const problem = urlProblem(input.url);
    if (problem) problems.push({ field: 'url', message: problem });
    else value.url = new URL(input.url.trim()).toString();
  }

  if (input.events !== undefined && input.events !== null) {
    const unknown = input.events.filter((e) => !(EVENT_TYPES as readonly string[]).includes(e));
    if (unknown.length > 0) {
      problems.push({
        field: 'events',
        message: `unknown event type ${unknown.map((e) => JSON.stringify(e)).join(', ')}; allowed: ${EVENT_TYPES.join(', ')}`,
      });
    } else if (input.events.length === 0) {
      problems.push({ field: 'events', message: 'must name at least one event type' });
    } else {
      value.events = [...new Set(input.events)] as EventType[];
    }
  }

  if (input.description !== undefined) {
    const description = input.description?.trim() || null;
    if (description && description.length > MAX_DESCRIPTION_LENGTH) {
      problems.push({ field: 'description', message: `must be at most ${MAX_DESCRIPTION_LENGTH} characters` });
    } else value.description = description;
  }
  return { value, problems };
}

/** Why `raw` is no usable http(s) URL for an outbound POST (null: fine); the target policy is checked separately. */
export function urlProblem(raw: string): string | null {
  const text = raw.trim();
  if (text.length === 0) return 'is required';
  if (text.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  // Credentials in a URL end up in logs and the API's answers; the signature authenticates instead.
  if (url.username || url.password) return 'must not contain credentials';
  if (!url.hostname) return 'must name a host';
  return null;
}
