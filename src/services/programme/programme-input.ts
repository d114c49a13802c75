/** Field-named validation of programme input (shared by the API and the CLI import). */
import { calendarProblems, isValidTimeZone } from '../../domain/business-calendar.js';
import type { FieldProblem } from '../../errors.js';
import type { SurveyKind } from '../../../models/programme/programme.entity.js';

export interface SurveyRuleInput {
  touchpoint?: string | null;
  kind?: SurveyKind | null;
  delayHours?: number | null;
  channel?: string | null;
  sampleRate?: number | null;
  enabled?: boolean | null;
  everyDays?: number | null;
  team?: string | null;
}

export interface ContactRulesInput {
  minDaysBetweenSurveys?: number | null;
  touchpointDays?: number | null;
  accountAttribute?: string | null;
  accountMaxSurveys?: number | null;
  accountPeriodDays?: number | null;
  quietHoursStart?: number | null;
  quietHoursEnd?: number | null;
}

export interface CalendarInput {
  workdays?: number[] | null;
  holidays?: string[] | null;
  openHour?: number | null;
  closeHour?: number | null;
  timeZone?: string | null;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const KINDS: SurveyKind[] = ['RELATIONSHIP', 'TRANSACTIONAL'];

export function nameProblem(field: string, value: string | null | undefined, required: boolean): FieldProblem[] {
  if (value == null || value === '') return required ? [{ field, message: 'is required' }] : [];
  return NAME_RE.test(value)
    ? []
    : [{ field, message: 'must be 1–100 letters, digits, "_", ".", ":" or "-", starting with a letter or digit' }];
}

export function timeZoneProblem(field: string, tz: string | null | undefined): FieldProblem[] {
  return tz == null || isValidTimeZone(tz) ? [] : [{ field, message: `"${tz}" is not an IANA time zone such as Europe/Berlin` }];
}

const between = (field: string, v: number | null | undefined, min: number, max: number, integer = false): FieldProblem[] =>
  v == null || (Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v)))
    ? []
    : [{ field, message: `must be ${integer ? 'a whole number ' : ''}from ${min} to ${max}` }];

/** Problems of a rule (all fields on create; only those given on update). */
export function surveyRuleProblems(input: SurveyRuleInput, creating: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (creating || input.touchpoint !== undefined) problems.push(...nameProblem('touchpoint', input.touchpoint, true));
  if (input.kind != null && !KINDS.includes(input.kind)) problems.push({ field: 'kind', message: `must be one of ${KINDS.join(', ')}` });
  if (input.delayHours != null && input.delayHours < 0) problems.push({ field: 'delayHours', message: 'must not be negative' });
  else problems.push(...between('delayHours', input.delayHours, 0, 24 * 365));
  if (input.channel !== undefined) problems.push(...nameProblem('channel', input.channel, creating));
  if (input.sampleRate === 0)
    problems.push({ field: 'sampleRate', message: 'a sample rate of 0 can never fire; disable the rule instead' });
  else problems.push(...between('sampleRate', input.sampleRate, 0, 1));
  problems.push(...between('everyDays', input.everyDays, 1, 3650, true));
  if (input.team !== undefined) problems.push(...nameProblem('team', input.team, false));
  return problems;
}

export function contactRulesProblems(input: ContactRulesInput): FieldProblem[] {
  const problems = [
    ...between('minDaysBetweenSurveys', input.minDaysBetweenSurveys, 0, 3650),
    ...between('touchpointDays', input.touchpointDays, 0, 3650),
    ...between('accountMaxSurveys', input.accountMaxSurveys, 0, 100_000, true),
    ...between('accountPeriodDays', input.accountPeriodDays, 1, 3650),
    ...between('quietHoursStart', input.quietHoursStart, 0, 23, true),
    ...between('quietHoursEnd', input.quietHoursEnd, 1, 24, true),
    ...nameProblem('accountAttribute', input.accountAttribute, false),
  ];
  if ((input.quietHoursStart == null) !== (input.quietHoursEnd == null))
    problems.push({ field: 'quietHoursEnd', message: 'quiet hours need both quietHoursStart and quietHoursEnd' });
  else if (input.quietHoursStart != null && input.quietHoursEnd != null && input.quietHoursStart >= input.quietHoursEnd)
    problems.push({ field: 'quietHoursEnd', message: 'must be after quietHoursStart' });
  return problems;
}

export function calendarInputProblems(input: {
  workdays: number[];
  holidays: string[];
  openHour: number;
  closeHour: number;
  timeZone: string;
}): FieldProblem[] {
  return [...calendarProblems(input), ...timeZoneProblem('timeZone', input.timeZone)];
}
