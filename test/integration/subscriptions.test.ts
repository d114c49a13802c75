/**
 * The `responseAnalyzed` subscription over a real graphql-ws WebSocket: a submit over HTTP
 * arrives on the subscription once analysed, filters apply, and with two API instances on one
 * database and queue prefix a subscriber on B receives what was submitted on A and analysed by a
 * worker elsewhere — the events travel over Redis pub/sub, not process memory.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, wsClient, type TestApp } from '../helpers/app.js';

const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`;
const SUBSCRIBE = `subscription($categories: [NpsCategory!], $touchpoints: [String!], $themes: [String!]) {
  responseAnalyzed(categories: $categories, touchpoints: $touchpoints, themes: $themes) {
    id externalId score category touchpoint analysisStatus analysis { themes { key } }
  }
}`;

interface Received {
  id: string;
  externalId: string;
  category: string;
  touchpoint: string | null;
  analysisStatus: string;
  analysis: { themes: { key: string }[] };
}

/** Subscribes and collects every event until `stop()`; resolves `ready` once the server acknowledged. */
function subscribe(client: Client, variables: Record<string, unknown> = {}) {
  const received: Received[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ responseAnalyzed: Received }>(
    { query: SUBSCRIBE, variables },
    {
      next: (msg) => {
        if (msg.errors) errors.push(msg.errors);
        if (msg.data) received.push(msg.data.responseAnalyzed);
      },
      error: (err) => errors.push(err),
      complete: () => undefined,
    },
  );
  return { received, errors, stop };
}

/** A subscription is registered on the server shortly after `subscribe` is sent; a short pause covers it. */
const settle = () => new Promise((r) => setTimeout(r, 500));

describe('responseAnalyzed subscription', () => {
  let app: TestApp;
  let ws: Client;

  beforeAll(async () => {
    app = await startTestApp('subscriptions', { roles: ['api', 'worker'] });
    const c = wsClient(app);
    ws = c.client;
    await c.connected;
  });

  afterAll(async () => {
    await ws?.dispose();
    await app?.stop();
  });

  it('delivers a response submitted over HTTP once it is analysed, honouring the filters', async () => {
    const all = subscribe(ws);
    const detractorsOnRenewal = subscribe(ws, { categories: ['DETRACTOR'], touchpoints: ['renewal'] });
    const billing = subscribe(ws, { themes: ['billing'] });
    await settle();

    const submit = async (input: Record<string, unknown>) => {
      const res = await app.gql(SUBMIT, { input });
      expect(res.errors).toBeUndefined();
      return res.data!.submitResponse.id as string;
    };
    const angry = await submit({
      externalId: 'sub-1',
      score: 2,
      touchpoint: 'renewal',
      comment: 'We were charged twice and the invoice is wrong',
    });
    const happy = await submit({ externalId: 'sub-2', score: 10, touchpoint: 'renewal', comment: 'Support was quick and friendly' });
    const onboarding = await submit({ externalId: 'sub-3', score: 3, touchpoint: 'onboarding', comment: 'Setup took weeks' });

    await waitFor(async () => [angry, happy, onboarding].every((id) => all.received.some((r) => r.id === id)), {
      timeoutMs: 30_000,
      what: 'all three responses on the unfiltered subscription',
    });
    const first = all.received.find((r) => r.id === angry)!;
    expect(first).toMatchObject({ externalId: 'sub-1', category: 'DETRACTOR', touchpoint: 'renewal', analysisStatus: 'DONE' });
    expect(first.analysis.themes.map((t) => t.key)).toContain('billing');

    // Every event was published by now; the filtered subscriptions got only their matches.
    await settle();
    expect(detractorsOnRenewal.received.map((r) => r.id)).toEqual([angry]);
    expect(billing.received.map((r) => r.id)).toEqual([angry]);
    expect([...all.errors, ...detractorsOnRenewal.errors, ...billing.errors]).toEqual([]);
    for (const s of [all, detractorsOnRenewal, billing]) s.stop();
  });
});

describe('responseAnalyzed across API instances', () => {
  let worker: TestApp;
  let apiA: TestApp;
  let apiB: TestApp;
  let ws: Client;

  beforeAll(async () => {
    // One name → one database and queue prefix for all three: they are one deployment.
    worker = await startTestApp('subscriptions-multi', { roles: ['worker'] });
    apiA = await startTestApp('subscriptions-multi', { roles: ['api'] });
    apiB = await startTestApp('subscriptions-multi', { roles: ['api'] });
    const c = wsClient(apiB);
    ws = c.client;
    await c.connected;
  });

  afterAll(async () => {
    await ws?.dispose();
    await apiB?.stop();
    await apiA?.stop();
    await worker?.stop();
  });

  it('a subscriber on instance B receives what was submitted on instance A', async () => {
    expect(apiA.url).not.toBe(apiB.url);
    const sub = subscribe(ws);
    await settle();
    const res = await apiA.gql(SUBMIT, {
      input: { externalId: 'multi-1', score: 9, touchpoint: 'renewal', comment: 'Great onboarding team' },
    });
    expect(res.errors).toBeUndefined();
    const id = res.data!.submitResponse.id;
    const got = await waitFor(async () => sub.received.find((r) => r.id === id), { timeoutMs: 30_000, what: 'the event on instance B' });
    expect(got).toMatchObject({ externalId: 'multi-1', category: 'PROMOTER', analysisStatus: 'DONE' });
    expect(sub.errors).toEqual([]);
    sub.stop();
  });
});
