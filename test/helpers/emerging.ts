/** Submitting verbatims through GraphQL and reading emerging themes once they are all sampled (shared by the emerging-theme tests). */
import { expect } from 'vitest';
import { waitFor, type TestApp } from './app.js';

const EMERGING_QUERY = `query($filter: ResponseFilter) {
  emergingThemes(filter: $filter, minCount: 3) {
    sampled nearDuplicates method
    candidates { phrase count examples { id comment nearDuplicates nearDuplicateIds } suggestion { examples } }
  }
}`;

/** Submits one response per comment, a minute apart from `start` (newest last); returns their ids in order. */
export async function submitComments(app: TestApp, prefix: string, start: string, comments: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, comment] of comments.entries()) {
    const result = await app.gql(`mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`, {
      input: { externalId: `${prefix}-${i}`, score: 5, comment, respondedAt: new Date(Date.parse(start) + i * 60_000).toISOString() },
    });
    expect(result.errors).toBeUndefined();
    ids.push(result.data!.submitResponse.id);
  }
  return ids;
}

/** emergingThemes over the day of `start`, once all `count` verbatims are in the sample. */
export async function emergingThemes(app: TestApp, start: string, count: number, timeoutMs = 30_000): Promise<any> {
  const day = start.slice(0, 10);
  const filter = { from: `${day}T00:00:00.000Z`, to: `${day}T23:59:59.999Z` };
  return waitFor(
    async () => {
      const result = await app.gql(EMERGING_QUERY, { filter });
      expect(result.errors).toBeUndefined();
      const report = result.data!.emergingThemes;
      return report.sampled === count ? report : null;
    },
    { what: `${count} sampled verbatims`, timeoutMs },
  );
}
