/**
 * Emerging themes with the transformer engine and the real all-MiniLM-L6-v2, through GraphQL against
 * the real API and database: verbatims are clustered by meaning (paraphrases without a shared word
 * land in one candidate) and near-duplicates are found by embedding cosine and collapsed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { emergingThemes, submitComments } from '../helpers/emerging.js';
import { ensureRealModel, REAL_MODEL_INSTALL_TIMEOUT_MS } from '../helpers/real-model.js';

let app: TestApp;

beforeAll(async () => {
  const modelDir = await ensureRealModel();
  app = await startTestApp('emerging-embeddings', { env: { VERBATIM_ANALYSIS_ENGINE: 'transformer', VERBATIM_MODEL_DIR: modelDir } });
}, REAL_MODEL_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await app?.stop();
});

describe('emergingThemes with the transformer engine', () => {
  it('clusters paraphrases by meaning and collapses near-duplicates', { timeout: 300_000 }, async () => {
    const start = '2022-05-06T08:00:00.000Z';
    const comments = [
      'My reward points disappeared',
      'The gift card balance vanished after checkout',
      'my reward points disappeared',
      'Loyalty points vanished from my account',
      'Could not redeem my gift card online',
      'The bonus points I earned are gone',
      'My reward points disappeared',
    ];
    const ids = await submitComments(app, 'emb', start, comments);
    // The worker analyses with the model and the API loads it on the first query: slow on a busy machine.
    const report = await emergingThemes(app, start, comments.length, 240_000);

    expect(report.method).toBe('EMBEDDING');
    // The two older copies of the newest text.
    expect(report.nearDuplicates).toBe(2);
    // "reward point", "loyalty point" and "bonus point" are three phrases to the lexical discovery
    // (none reaches minCount 3); by meaning they are one candidate of three distinct verbatims.
    const points = report.candidates.find((c: any) => c.examples.some((e: any) => e.id === ids[6]));
    expect(points).toMatchObject({ count: 3 });
    expect(points.phrase).toMatch(/point/);
    expect(points.examples.map((e: any) => e.id)).toEqual([ids[6], ids[5], ids[3]]);
    expect(points.examples[0]).toMatchObject({ nearDuplicates: 2, nearDuplicateIds: [ids[2], ids[0]] });
  });
});
