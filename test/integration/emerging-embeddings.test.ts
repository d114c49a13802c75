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
      'The gift card balance vanished after checkout',
      'Could not redeem my gift card online',
      'Please add a dark mode',
      'Please add a dark mode',
      'please add a dark mode',
      'My voucher code was refused at the till',
      'I wish the app had a night theme',
      'A black background option would be lovely',
    ];
    const ids = await submitComments(app, 'emb', start, comments);
    // The worker analyses with the model and the API loads it on the first query: slow on a busy machine.
    const report = await emergingThemes(app, start, comments.length, 240_000);

    expect(report.method).toBe('EMBEDDING');
    expect(report.nearDuplicates).toBe(2);
    const dark = report.candidates.find((c: any) => c.examples.some((e: any) => e.id === ids[4]));
    expect(dark).toBeDefined();
    expect(dark.count).toBeGreaterThanOrEqual(3);
    // "night theme" shares no word with "dark mode", yet lands in the same candidate.
    expect(dark.examples.map((e: any) => e.id)).toContain(ids[6]);
    expect(dark.examples.find((e: any) => e.id === ids[4])).toMatchObject({ nearDuplicates: 2, nearDuplicateIds: [ids[3], ids[2]] });
  });
});
