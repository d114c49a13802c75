/**
 * A deterministic sample NPS programme for the demo: "Northwind Cloud", a fictional B2B SaaS
 * company, with 12 months of responses over four touchpoints, customers with account values and
 * segment attributes, verbatims in varied customer language correlated with the score, a few
 * churn-intent detractors, and one story: since the new login page shipped, EMEA customers hit an
 * SSO login loop — a topic the default taxonomy does not cover, so it surfaces as an emerging theme.
 *
 * Same seed and size → the same externalIds and content, so re-loading only counts duplicates.
 */

import { prng } from '../domain/prng.js';
import { DAY_MS } from '../domain/time.js';

export const COMPANY = 'Northwind Cloud';
const STORY_REGION = 'EMEA';
/** The phrase the story's verbatims share, so the report can point at it. */
export const STORY_PHRASE = 'sso login loop';

export interface SampleResponse {
  externalId: string;
  score: number;
  comment: string | null;
  respondedAt: string;
  touchpoint: string;
  channel: string;
  attributes: { key: string; value: string }[];
  customer: { externalId: string; name: string; accountValue: number };
}

export interface SampleOptions {
  /** Responses to generate (default 4,000). */
  size?: number;
  seed?: number;
  /** End of the 12 months (default: start of today, UTC). */
  end?: Date;
}

const REGIONS = ['North America', 'EMEA', 'APAC', 'LATAM'];
const PLANS = [
  { name: 'Starter', value: [1_200, 6_000], mood: -0.4 },
  { name: 'Growth', value: [8_000, 40_000], mood: 0.2 },
  { name: 'Enterprise', value: [60_000, 400_000], mood: 0.5 },
];
const MANAGERS = ['Priya Shah', 'Tom Becker', 'Ana Souza', 'Kenji Mori', 'Grace Okafor', 'Liam Walsh'];
const CHANNELS = ['self_serve', 'partner', 'outbound_sales', 'marketplace'];
const TOUCHPOINTS = [
  { key: 'onboarding_complete', weight: 0.2, mood: 0.3 },
  { key: 'support_ticket_closed', weight: 0.35, mood: -0.5 },
  { key: 'renewal', weight: 0.15, mood: -0.2 },
  { key: 'quarterly_relationship', weight: 0.3, mood: 0.1 },
];
const SURVEY_CHANNELS = ['email', 'in_app', 'email', 'in_app', 'sms'];
const COMPETITORS = ['Contoso Analytics', 'Fabrikam Cloud', 'Tailspin Data'];
const NAMES = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Cyberdyne',
  'Wonka',
  'Tyrell',
  'Oscorp',
  'Duff',
  'Pied Piper',
];
const SUFFIXES = ['Ltd', 'GmbH', 'Inc', 'BV', 'Labs', 'Group', 'SA', 'Pty'];

/** Verbatim fragments by feeling; each detractor/promoter line names a theme of the default taxonomy. */
const PRAISE = [
  'support team sorted our issue in under an hour',
  'onboarding was smooth and the setup guide was clear',
  'the dashboards are really easy to use',
  'our account manager genuinely cares and checks in every month',
  'reliable, we have not had an outage all year',
  'the Salesforce integration just works',
  'fast and responsive even with big reports',
  'great value for money compared to what we paid before',
  'docs are excellent, found every answer in the knowledge base',
];
const MEH = [
  'does the job',
  'it is fine, a few rough edges',
  'reporting could be faster',
  'pricing is a bit high for a team our size',
  'would be nice to have dark mode and more export options',
  'support is ok but sometimes slow to reply',
  'the new interface takes some getting used to',
];
const COMPLAINTS = [
  'support took 5 days to answer a simple ticket',
  'reports are so slow they time out',
  'the platform crashes whenever we upload a large file',
  'price increase at renewal with no warning',
  'we were charged twice and the invoice was wrong',
  'nobody from customer success ever contacts us',
  'the api integration with hubspot keeps breaking',
  'too expensive for what it does',
  'setup took weeks and the migration lost data',
  'the docs are out of date and the guides are missing steps',
];
const STORY = [
  'since the new login page we are stuck in an sso login loop, Okta sends us straight back to sign in',
  'sso login loop every morning, people just give up signing in',
  'the single sign-on redirect keeps looping after the new login page, whole team locked out',
  'SSO login loop again. cannot sign in with Okta, it bounces back to the login page',
  'after the login page change our sso login loops forever on Azure AD',
];
const CHURN = [
  (c: string) => `we're moving to ${c} at renewal`,
  (c: string) => `honestly looking at ${c}, we will not renew`,
  () => 'we plan to cancel our contract next quarter',
  (c: string) => `already trialling ${c}, probably switching`,
];
const OPENERS = ['', '', '', 'Honestly, ', 'Overall ', 'To be fair ', 'Well, ', 'tbh '];
const CLOSERS = ['', '', '.', '.', '!', ' - thanks', '. Please fix it.', ' :('];

function typo(text: string, rand: () => number): string {
  if (rand() > 0.15 || text.length < 8) return text;
  const i = 1 + Math.floor(rand() * (text.length - 3));
  // Swap two neighbouring letters, the most common slip.
  return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
}

function pick<T>(items: readonly T[], rand: () => number): T {
  return items[Math.floor(rand() * items.length)];
}

function weighted<T extends { weight: number }>(items: readonly T[], rand: () => number): T {
  let r = rand();
  for (const item of items) if ((r -= item.weight) < 0) return item;
  return items[items.length - 1];
}

interface Account {
  externalId: string;
  name: string;
  accountValue: number;
  region: string;
  plan: (typeof PLANS)[number];
  manager: string;
  channel: string;
  mood: number;
}

function accounts(count: number, rand: () => number): Account[] {
  return Array.from({ length: count }, (_, i) => {
    const plan = PLANS[rand() < 0.45 ? 0 : rand() < 0.7 ? 1 : 2];
    const [lo, hi] = plan.value as [number, number];
    return {
      externalId: `nw-acct-${String(i + 1).padStart(4, '0')}`,
      name: `${pick(NAMES, rand)} ${pick(SUFFIXES, rand)}`,
      accountValue: Math.round((lo + rand() * (hi - lo)) / 100) * 100,
      region: REGIONS[Math.floor(rand() * rand() * REGIONS.length * 1.3) % REGIONS.length],
      plan,
      manager: pick(MANAGERS, rand),
      channel: pick(CHANNELS, rand),
      mood: (rand() - 0.5) * 2,
    };
  });
}

function scoreFor(mood: number, rand: () => number): number {
  // A skewed distribution around 7–8 that the mood shifts by a few points.
  const base = 8.1 + mood * 1.5 + (rand() + rand() + rand() - 1.5) * 3.2;
  return Math.max(0, Math.min(10, Math.round(base)));
}

function verbatim(score: number, rand: () => number, extra: string | null): string | null {
  if (extra === null && rand() < 0.12) return null; // Some people leave no comment.
  const pool = score >= 9 ? PRAISE : score >= 7 ? MEH : COMPLAINTS;
  const parts = [extra ?? pick(pool, rand)];
  if (rand() < 0.35) parts.push(pick(score >= 9 ? PRAISE : score >= 7 ? [...MEH, ...PRAISE] : [...COMPLAINTS, ...MEH], rand));
  let text = pick(OPENERS, rand) + parts.join(rand() < 0.5 ? ', and ' : '. ');
  if (rand() < 0.2) text = text.toLowerCase();
  else text = text[0].toUpperCase() + text.slice(1);
  return typo(text, rand) + pick(CLOSERS, rand);
}

/** The sample programme, oldest response first. */
export function generateSampleProgramme({ size = 4_000, seed = 20_260_401, end }: SampleOptions = {}): SampleResponse[] {
  const rand = prng(seed);
  const endMs = (end ?? startOfTodayUtc()).getTime();
  const days = 365;
  const storyStart = endMs - 90 * DAY_MS;
  const people = accounts(Math.max(20, Math.round(size / 6)), rand);
  const out: SampleResponse[] = [];
  for (let i = 0; i < size; i++) {
    const account = pick(people, rand);
    const touchpoint = weighted(TOUCHPOINTS, rand);
    // Spread over the year, a little denser recently (the programme grew).
    const at = endMs - Math.floor(Math.pow(rand(), 1.2) * days * DAY_MS) - 1 - Math.floor(rand() * 3_600_000);
    let mood = account.mood * 0.6 + account.plan.mood * 0.5 + touchpoint.mood * 0.6;
    let extra: string | null = null;
    // The story: in EMEA, a growing share of responses since the new login page hit the SSO loop.
    const storyProgress = (at - storyStart) / (endMs - storyStart);
    if (account.region === STORY_REGION && storyProgress > 0 && rand() < 0.08 + 0.5 * storyProgress) {
      mood -= 2.2;
      extra = pick(STORY, rand);
    }
    let score = scoreFor(mood, rand);
    if (extra && score > 6) score = 2 + Math.floor(rand() * 5);
    if (!extra && score <= 4 && rand() < 0.12) extra = pick(CHURN, rand)(pick(COMPETITORS, rand));
    out.push({
      externalId: `nw-${seed}-${String(i + 1).padStart(6, '0')}`,
      score,
      comment: verbatim(score, rand, extra),
      respondedAt: new Date(at).toISOString(),
      touchpoint: touchpoint.key,
      channel: pick(SURVEY_CHANNELS, rand),
      attributes: [
        { key: 'region', value: account.region },
        { key: 'plan', value: account.plan.name },
        { key: 'account_manager', value: account.manager },
        { key: 'acquisition_channel', value: account.channel },
      ],
      customer: { externalId: account.externalId, name: account.name, accountValue: account.accountValue },
    });
  }
  return out.sort((a, b) => a.respondedAt.localeCompare(b.respondedAt));
}

export interface SampleEvent {
  externalId: string;
  touchpoint: string;
  occurredAt: string;
  customer: { externalId: string; email: string; locale: string; timeZone: string };
  attributes: { key: string; value: string }[];
}

/** Survey rules of the sample programme: one per touchpoint; the quarterly survey is the relationship cadence. */
export const SAMPLE_SURVEY_RULES = [
  { touchpoint: 'onboarding_complete', kind: 'TRANSACTIONAL', delayHours: 2, channel: 'email', team: 'success' },
  { touchpoint: 'support_ticket_closed', kind: 'TRANSACTIONAL', delayHours: 1, channel: 'email', team: 'care' },
  { touchpoint: 'renewal', kind: 'TRANSACTIONAL', delayHours: 0, channel: 'email', team: 'success' },
  { touchpoint: 'quarterly_relationship', kind: 'RELATIONSHIP', delayHours: 0, channel: 'email', everyDays: 90, team: 'success' },
] as const;

const ZONE_OF_REGION: Record<string, { timeZone: string; locale: string }> = {
  'North America': { timeZone: 'America/Chicago', locale: 'en-US' },
  EMEA: { timeZone: 'Europe/Berlin', locale: 'de-DE' },
  APAC: { timeZone: 'Asia/Singapore', locale: 'en-SG' },
  LATAM: { timeZone: 'America/Sao_Paulo', locale: 'pt-BR' },
};

/**
 * Touchpoint events of the sample's customers (the same accounts as generateSampleProgramme for the
 * same seed and size) over the 5 days before `now`, each at least 3 hours old so its survey is due:
 * what the demo's sending tool is told about. Same seed and size → the same externalIds.
 */
export function generateSampleEvents({
  size = 4_000,
  seed = 20_260_401,
  now = new Date(),
}: SampleOptions & { now?: Date } = {}): SampleEvent[] {
  const people = accounts(Math.max(20, Math.round(size / 6)), prng(seed));
  const rand = prng(seed + 1);
  const count = Math.max(10, Math.min(120, Math.round(size / 25)));
  const transactional = TOUCHPOINTS.filter((t) => t.key !== 'quarterly_relationship');
  return Array.from({ length: count }, (_, i) => {
    const account = pick(people, rand);
    const contact = ZONE_OF_REGION[account.region];
    return {
      externalId: `nw-evt-${seed}-${String(i + 1).padStart(5, '0')}`,
      touchpoint: weighted(transactional, rand).key,
      occurredAt: new Date(now.getTime() - 3 * 3_600_000 - Math.floor(rand() * 5 * DAY_MS)).toISOString(),
      customer: { externalId: account.externalId, email: `nps@${account.externalId}.example`, ...contact },
      attributes: [
        { key: 'region', value: account.region },
        { key: 'plan', value: account.plan.name },
        { key: 'account_manager', value: account.manager },
      ],
    };
  });
}

function startOfTodayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
