/**
 * Shared by the fault tests: GraphQL documents and the "nothing lost, nothing duplicated, each
 * analysed once" checks, read back through the API.
 */
import { expect } from 'vitest';
import { waitFor, type GqlClient } from '../helpers/app.js';

export const SUBMIT = `mutation Submit($input: ResponseInput!) { submitResponse(input: $input) { id externalId analysisStatus } }`;
const PAGE = `query Page($first: Int, $after: String) {
  responses(first: $first, after: $after) { totalCount edges { node { id externalId score analysisStatus analysis { themes { key } } } } pageInfo { hasNextPage endCursor } }
}`;

/** Texts with known themes (pricing, support, …) so theme rollups are exercised too. */
const COMMENTS = [
  'Too expensive for what it does, we are thinking of switching',
  'Support answered quickly and solved my problem',
  'The app is slow and crashes every day',
  'Great onboarding, the team was very helpful',
  'Billing is confusing and the price keeps going up',
];

export function responseInput(prefix: string, i: number) {
  return { externalId: `${prefix}-${i}`, score: i % 11, comment: COMMENTS[i % COMMENTS.length], touchpoint: 'fault' };
}

interface StoredResponse {
  id: string;
  externalId: string;
  score: number;
  analysisStatus: string;
  analysis: { themes: { key: string }[] } | null;
}

async function allResponses(gql: GqlClient): Promise<StoredResponse[]> {
  const out: StoredResponse[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const result: any = await gql(PAGE, { first: 100, after });
    expect(result.errors).toBeUndefined();
    out.push(...result.data.responses.edges.map((e: any) => e.node));
    if (!result.data.responses.pageInfo.hasNextPage) break;
    after = result.data.responses.pageInfo.endCursor;
  }
  return out;
}

/** Waits until every response is analysed, then checks each accepted one is stored and counted once. */
export async function expectAllAnalysedOnce(gql: GqlClient, accepted: Set<string>, { timeoutMs = 60_000 } = {}): Promise<void> {
  const responses = await waitFor(
    async () => {
      const all = await allResponses(gql).catch(() => null);
      return all && all.length >= accepted.size && all.every((r) => r.analysisStatus === 'DONE') ? all : null;
    },
    { timeoutMs, intervalMs: 500, what: `all ${accepted.size} responses analysed` },
  );
  const externalIds = responses.map((r) => r.externalId);
  expect(new Set(externalIds).size, 'no duplicated responses').toBe(externalIds.length);
  expect(
    [...accepted].filter((id) => !externalIds.includes(id)),
    'no lost responses',
  ).toEqual([]);
  expect(responses.length).toBe(accepted.size);

  // The rollups behind nps and themeBreakdown count each analysis exactly once.
  const nps: any = await gql(`{ nps { responses promoters passives detractors } }`);
  expect(nps.data.nps).toEqual({
    responses: responses.length,
    promoters: responses.filter((r) => r.score >= 9).length,
    passives: responses.filter((r) => r.score === 7 || r.score === 8).length,
    detractors: responses.filter((r) => r.score <= 6).length,
  });
  const direct = new Map<string, number>();
  for (const r of responses)
    for (const key of new Set(r.analysis?.themes.map((t) => t.key) ?? [])) direct.set(key, (direct.get(key) ?? 0) + 1);
  const breakdown: any = await gql(`{ themeBreakdown { theme { key } mentions } }`);
  expect(breakdown.errors).toBeUndefined();
  const fromRollups = new Map<string, number>(breakdown.data.themeBreakdown.map((t: any) => [t.theme.key, t.mentions]));
  for (const [key, mentions] of fromRollups) if (mentions > 0) expect(mentions, `mentions of ${key}`).toBe(direct.get(key) ?? 0);
  for (const [key, count] of direct) expect(fromRollups.get(key), `mentions of ${key}`).toBe(count);
}
