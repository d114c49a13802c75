/**
 * Losing data, item 14: a response whose analysis was stored (DONE) but whose after-analysis
 * effects (rollups, churn risk and alert, webhook events) failed on every retry of its job is
 * repaired by the reconciler, exactly once. The fault is real storage state: the rollup examples
 * document of the response's month is malformed, so the rollups effect (the first effect) fails
 * until it is repaired.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOfTs } from '../../src/services/insights/rollups/entry.js';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';

const NAME = 'effects-repair';
const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`;
const PROGRESS = `query { importProgress { pending done failed effectsPending queue { failed } } }`;
// Insight queries read the rollups (nps reads the responses themselves).
const BREAKDOWN = `query($filter: ResponseFilter) { themeBreakdown(filter: $filter, examples: 0) { theme { key } mentions } }`;
const THEMES = `query($id: ID!) { response(id: $id) { analysis { themes { key } } } }`;
const ALERT = `query($id: ID!) { alert(id: $id) { id status history { action } } }`;

describe('after-analysis effects that failed past every retry', () => {
  let app: TestApp;
  let client: mongoose.mongo.MongoClient;

  beforeAll(async () => {
    app = await startTestApp(NAME, { env: { VERBATIM_RECONCILE_EVERY_SECONDS: '5', VERBATIM_RECONCILE_AFTER_SECONDS: '1' } });
    client = await new mongoose.mongo.MongoClient(testMongoUri(NAME)).connect();
  });

  afterAll(async () => {
    await client?.close();
    await app?.stop();
  });

  const progress = async () => {
    const res = await app.gql(PROGRESS);
    expect(res.errors).toBeUndefined();
    return res.data!.importProgress as { pending: number; done: number; failed: number; effectsPending: number; queue: { failed: number } };
  };

  it('are re-run by the reconciler: counted once in the rollups, the alert raised once', async () => {
    const respondedAt = new Date(Date.now() - 2 * 86_400_000);
    const day = dayOfTs(respondedAt.getTime());
    const examples = client.db().collection('rollup_examples');
    await examples.insertOne({ _id: day.slice(0, 7), ex: 'not json', rev: 1 } as never);

    const res = await app.gql(SUBMIT, {
      input: {
        externalId: 'effects-1',
        score: 2,
        comment: 'Support never answers and the invoice was wrong twice. We are cancelling and switching to another vendor.',
        respondedAt: respondedAt.toISOString(),
        customer: { externalId: 'effects-cust', accountValue: 90000 },
        attributes: [{ key: 'account_manager', value: 'dana' }],
      },
    });
    expect(res.errors).toBeUndefined();
    const id = res.data!.submitResponse.id as string;

    // The analysis is stored, then every attempt of the job fails in the rollups effect.
    await waitFor(async () => ((await progress()).queue.failed >= 1 ? true : null), {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: 'the job to fail for good',
    });
    const stuck = await progress();
    expect(stuck).toMatchObject({ pending: 0, done: 1, failed: 0, effectsPending: 1 });
    const filter = { from: new Date(respondedAt.getTime() - 86_400_000).toISOString(), to: new Date().toISOString() };
    expect((await app.gql(ALERT, { id: `${id}:default` })).data!.alert).toBeNull();

    // The examples are repaired, and the day's clock bumped so its caches are rebuilt (what the
    // rollup sweeper does after an interrupted write).
    await examples.deleteOne({ _id: day.slice(0, 7) } as never);
    await client
      .db()
      .collection('rollup_clocks')
      .updateOne({ _id: day.slice(0, 7) } as never, { $inc: { [`d.${day}`]: 1 } }, { upsert: true });
    // The reconciler's next rounds complete the effects.
    const themes = [
      ...new Set(((await app.gql(THEMES, { id })).data!.response.analysis.themes as { key: string }[]).map((t) => t.key)),
    ].sort();
    expect(themes.length).toBeGreaterThan(0);
    const expected = themes.map((key) => ({ theme: { key }, mentions: 1 }));
    const breakdown = async () =>
      ((await app.gql(BREAKDOWN, { filter })).data!.themeBreakdown as { theme: { key: string } }[]).sort((a, b) =>
        a.theme.key.localeCompare(b.theme.key),
      );
    await waitFor(async () => ((await breakdown()).length > 0 ? true : null), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'the response in the rollups',
    });
    await waitFor(async () => ((await progress()).effectsPending === 0 ? true : null), {
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'the effects marker cleared',
    });
    const alert = (await app.gql(ALERT, { id: `${id}:default` })).data!.alert;
    expect(alert).toMatchObject({ id: `${id}:default`, status: 'OPEN', history: [{ action: 'RAISED' }] });
    expect(await breakdown()).toEqual(expected);

    // Later rounds find nothing to repair and count nothing twice.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    expect(await progress()).toMatchObject({ done: 1, effectsPending: 0 });
    expect(await breakdown()).toEqual(expected);
  }, 180_000);
});
