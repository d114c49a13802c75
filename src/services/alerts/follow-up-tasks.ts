/**
 * "Respond to every survey": which follow-up task a response gets, and the task in words.
 * Pure: routing decides who and when, this decides what the assignee is asked to do.
 *
 * Promoters are thanked and asked for a review (with the review link), passives are asked what
 * would make it a 10, detractors get a recovery call within the SLA, and a slipping promoter
 * (previous comparable answer ≥ 9, now ≤ 8) is asked what changed, whatever its category now.
 */
import type { NpsCategory } from '../../domain/nps.js';
import type { FollowUpTask } from '../../../models/routing/routing-rule.entity.js';

export const FOLLOW_UP_TASKS: readonly FollowUpTask[] = [
  'RECOVERY_CALL',
  'ASK_WHAT_WOULD_MAKE_IT_A_10',
  'THANK_AND_ASK_REVIEW',
  'ASK_WHAT_CHANGED',
];

/** Lowest score of a promoter, highest of a passive: the slipping-promoter boundary. */
const PROMOTER_MIN = 9;
const LONGEST_URL = 2000;

/** The task that fits a category when a rule does not name one. */
export function taskFor(category: NpsCategory): FollowUpTask {
  if (category === 'PROMOTER') return 'THANK_AND_ASK_REVIEW';
  if (category === 'PASSIVE') return 'ASK_WHAT_WOULD_MAKE_IT_A_10';
  return 'RECOVERY_CALL';
}

/** A promoter last time (≥ 9), not any more (≤ 8). */
export function isSlippingPromoter(previousScore: number | null | undefined, score: number): boolean {
  return previousScore != null && previousScore >= PROMOTER_MIN && score < PROMOTER_MIN;
}

/** Null when `url` is an absolute https URL a customer can open; else why not. */
export function reviewUrlProblem(url: string): string | null {
  if (url.length > LONGEST_URL) return `must be at most ${LONGEST_URL} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute https URL, e.g. https://g.page/r/your-business/review';
  }
  if (parsed.protocol !== 'https:') return 'must be an https URL (customers open it)';
  if (!parsed.hostname) return 'must name a host';
  return null;
}

export interface TaskFacts {
  task: FollowUpTask;
  score: number;
  previousScore: number | null;
  slaHours: number;
  reviewUrl: string | null;
}

const hours = (h: number) => (h === 1 ? '1 hour' : `${h} hours`);

/** The task in words, as the assignee reads it in the alert (and in the webhook payload). */
export function taskText(f: TaskFacts): string {
  switch (f.task) {
    case 'THANK_AND_ASK_REVIEW':
      return f.reviewUrl
        ? `Thank the customer for their ${f.score}/10 and ask them for a review: ${f.reviewUrl}`
        : `Thank the customer for their ${f.score}/10 and ask them for a review (no review link configured).`;
    case 'ASK_WHAT_WOULD_MAKE_IT_A_10':
      return `Ask the customer what would make their ${f.score}/10 a 10.`;
    case 'ASK_WHAT_CHANGED':
      return `Was a promoter (${f.previousScore ?? '9+'}/10), now ${f.score}/10: ask what changed, within ${hours(f.slaHours)}.`;
    default:
      return `Call the customer within ${hours(f.slaHours)} to recover them (scored ${f.score}/10).`;
  }
}
