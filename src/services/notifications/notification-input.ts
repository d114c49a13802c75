/** Validation of notification preferences, each problem naming its field (`input.…`). Pure, except the URL target policy. */
import type { NotificationMode, NotificationPreferenceEntity } from '../../../models/notification/notification.entity.js';
import { isValidTimeZone } from '../../domain/business-calendar.js';
import type { FieldProblem } from '../../errors.js';
import { isEmailAddress } from '../reports/report-subscription.service.js';
import type { TargetPolicy } from '../webhooks/target-policy.js';
import { urlProblem } from '../webhooks/webhook-input.js';

export interface NotificationPreferencesInput {
  recipient: string;
  email?: string | null;
  slackWebhookUrl?: string | null;
  teamsWebhookUrl?: string | null;
  smsWebhookUrl?: string | null;
  phone?: string | null;
  mode?: NotificationMode | null;
  digestHour?: number | null;
  timeZone?: string | null;
}

/** The stored preferences' fields, validated (the stored URLs are sealed afterwards). */
export type CleanPreferences = Omit<NotificationPreferenceEntity, '_id' | 'createdAt' | 'updatedAt'> & { recipient: string };

const MODES: NotificationMode[] = ['IMMEDIATE', 'DIGEST'];
/** E.164: a plus and up to 15 digits. */
const PHONE = /^\+[1-9]\d{6,14}$/;
const URL_FIELDS = ['slackWebhookUrl', 'teamsWebhookUrl', 'smsWebhookUrl'] as const;

export async function validatePreferences(
  input: NotificationPreferencesInput,
  targets: TargetPolicy,
): Promise<{ value: CleanPreferences; problems: FieldProblem[] }> {
  const problems: FieldProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field: `input.${field}`, message });
  const blankToNull = (text: string | null | undefined) => text?.trim() || null;

  const recipient = input.recipient.trim();
  // `|` separates the parts of a delivery id; line breaks would end up in mail headers.
  if (!recipient || recipient.length > 200 || /[\r\n|]/.test(recipient))
    bad('recipient', 'must be one line of 1–200 characters without "|" (an assignee or team as used in alerts)');

  let email = blankToNull(input.email);
  // A recipient that is an e-mail address is mailed there unless told otherwise.
  if (email === null && input.email === undefined && isEmailAddress(recipient)) email = recipient;
  if (email && !isEmailAddress(email)) bad('email', 'must be an e-mail address such as ana@example.com');

  const urls: Record<(typeof URL_FIELDS)[number], string | null> = { slackWebhookUrl: null, teamsWebhookUrl: null, smsWebhookUrl: null };
  for (const field of URL_FIELDS) {
    const raw = blankToNull(input[field]);
    if (!raw) continue;
    const problem = urlProblem(raw);
    if (problem) {
      bad(field, problem);
      continue;
    }
    // The same SSRF rule as webhook endpoints (VERBATIM_WEBHOOK_ALLOW_HOSTS lets an operator allow a host).
    const refused = await targets.urlProblem(raw);
    if (refused)
      bad(
        field,
        `${refused}: private, loopback, link-local and unresolvable hosts are refused unless VERBATIM_WEBHOOK_ALLOW_HOSTS lists them`,
      );
    else urls[field] = new URL(raw).toString();
  }

  const phone = blankToNull(input.phone);
  if (phone && !PHONE.test(phone)) bad('phone', 'must be an E.164 number such as +15551234567');

  const mode = input.mode ?? 'IMMEDIATE';
  if (!MODES.includes(mode)) bad('mode', `must be one of ${MODES.join(', ')}`);
  const digestHour = input.digestHour ?? 8;
  if (!Number.isInteger(digestHour) || digestHour < 0 || digestHour > 23) bad('digestHour', 'must be an hour from 0 to 23');
  const timeZone = input.timeZone?.trim() || 'UTC';
  if (!isValidTimeZone(timeZone)) bad('timeZone', 'must be an IANA time zone such as Europe/Berlin');

  return { value: { recipient, email, ...urls, phone, mode, digestHour, timeZone }, problems };
}
