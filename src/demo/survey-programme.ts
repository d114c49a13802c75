/**
 * The demo's survey programme, through the public GraphQL API: the sample's survey rules and team
 * capacities, a calendar open every day (so the demo shows invitations whenever it runs), the sample's
 * touchpoint events; then it waits for the dispatch planner to release them and plays the sending tool:
 * marks the released invitations sent and answers every other one with a response carrying its
 * `invitationId`, so response rates have something to show. Re-running it only finds duplicates.
 */
import type { GraphqlClient } from './client.js';
import { SAMPLE_SURVEY_RULES, type SampleEvent } from './sample-programme.js';

export interface ProgrammeResult {
  events: { accepted: number; duplicates: number; errors: number };
  /** Invitations the planner made of the sample's events (released or skipped). */
  invitations: number;
  /** Responses this run submitted for released invitations (duplicates on a re-run not counted). */
  answered: number;
}

const RULES = `{ surveyRules { touchpoint } }`;
const CREATE_RULE = `mutation($input: CreateSurveyRuleInput!) { createSurveyRule(input: $input) { id } }`;
const CAPACITY = `mutation($team: String!) { setTeamCapacity(team: $team, perDay: 200) { perDay } }`;
const CALENDAR = `mutation { setBusinessCalendar(input: { workdays: [1, 2, 3, 4, 5, 6, 7], openHour: 0, closeHour: 24 }) { workdays } }`;
const IMPORT_EVENTS = `mutation($input: [TouchpointEventInput!]!) { importTouchpointEvents(input: $input) { accepted duplicates errors { index message } } }`;
const COUNT = `query($touchpoints: [String!]) { surveyInvitations(filter: { touchpoints: $touchpoints }, first: 1) { totalCount } }`;
const QUEUED = `query($after: String) {
  surveyInvitations(filter: { statuses: [QUEUED] }, first: 100, after: $after) {
    edges { node { id touchpoint customer { externalId } attributes { key value } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SENT = `mutation($id: ID!) { markInvitationSent(id: $id) { status } }`;
const ANSWER = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted duplicates errors { index message } } }`;

const ANSWERS = [
  { score: 10, comment: 'Smooth as always, the support engineer solved it in one call.' },
  { score: 8, comment: 'Fine overall, the renewal paperwork took a while.' },
  { score: 4, comment: 'The SSO login loop is still there after the update.' },
];

interface Invitation {
  id: string;
  touchpoint: string;
  customer: { externalId: string };
  attributes: { key: string; value: string }[];
}

export async function runSurveyProgramme(
  client: GraphqlClient,
  events: SampleEvent[],
  { requestId, tickSeconds, pollMs = 1_000 }: { requestId: string; tickSeconds: number; pollMs?: number },
): Promise<ProgrammeResult> {
  const existing = new Set(
    (await client.request<{ surveyRules: { touchpoint: string }[] }>(RULES)).data.surveyRules.map((r) => r.touchpoint),
  );
  for (const rule of SAMPLE_SURVEY_RULES) if (!existing.has(rule.touchpoint)) await client.request(CREATE_RULE, { input: rule });
  for (const team of new Set(SAMPLE_SURVEY_RULES.map((r) => r.team))) await client.request(CAPACITY, { team });
  await client.request(CALENDAR);
  const imported = (
    await client.request<{ importTouchpointEvents: { accepted: number; duplicates: number; errors: unknown[] } }>(IMPORT_EVENTS, {
      input: events,
    })
  ).data.importTouchpointEvents;

  // Every event becomes one invitation (released or skipped) within a few planner ticks (batches of 50).
  const touchpoints = [...new Set(events.map((e) => e.touchpoint))];
  const deadline = Date.now() + (Math.ceil(events.length / 50) + 2) * tickSeconds * 1000 + 30_000;
  const count = async () =>
    (await client.request<{ surveyInvitations: { totalCount: number } }>(COUNT, { touchpoints })).data.surveyInvitations.totalCount;
  let invitations = await count();
  while (invitations < events.length && Date.now() <= deadline) {
    await new Promise((r) => setTimeout(r, pollMs));
    invitations = await count();
  }

  // The sending tool: sends every released survey, and every other customer answers.
  const queued: Invitation[] = [];
  for (let after: string | null = null; ;) {
    type Page = { surveyInvitations: { edges: { node: Invitation }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const page: Page = (await client.request<Page>(QUEUED, { after })).data;
    queued.push(...page.surveyInvitations.edges.map((e) => e.node));
    after = page.surveyInvitations.pageInfo.hasNextPage ? page.surveyInvitations.pageInfo.endCursor : null;
    if (!after) break;
  }
  for (const invitation of queued) await client.request(SENT, { id: invitation.id });
  const rows = queued
    .filter((_, i) => i % 2 === 0)
    .map((invitation, i) => ({
      externalId: `nw-answer-${invitation.id}`,
      ...ANSWERS[i % ANSWERS.length],
      touchpoint: invitation.touchpoint,
      channel: 'email',
      invitationId: invitation.id,
      customer: { externalId: invitation.customer.externalId },
      attributes: invitation.attributes,
    }));
  const answered = rows.length
    ? (await client.request<{ importResponses: { accepted: number } }>(ANSWER, { input: rows }, { 'x-request-id': requestId })).data
        .importResponses.accepted
    : 0;
  return {
    events: { accepted: imported.accepted, duplicates: imported.duplicates, errors: imported.errors.length },
    invitations,
    answered,
  };
}
