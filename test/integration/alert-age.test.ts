/**
 * Losing data, item 15: alerts of old answers (historical imports, re-analysis) are recorded as
 * HISTORICAL — queryable, never paged (no subscription message, no alert.raised webhook), no SLA
 * breach — and re-analysing a response that has an alert never raises a second one.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, wsClient, type TestApp } from '../helpers/app.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`;
const ALERTS = `query($filter: AlertFilter) { alerts(filter: $filter, first: 100) { totalCount edges { node { id status assignee dueAt overdue slaBreached history { action note } response { id } } } } }`;
const RESPONSE = `query($id: ID!) { response(id: $id) { analysisStatus analysis { taxonomyVersion } } }`;
const CREATE_RULE = `mutation($input: RoutingRuleInput!) { createRoutingRule(input: $input) { id } }`;
const CREATE_THEME = `mutation($input: CreateThemeInput!) { createTheme(input: $input) { version } }`;
const SUBSCRIBE = `subscription { atRiskAlert { id status } }`;
const DAY = 86_400_000;

describe('alerts of old answers', () => {
  let app: TestApp;
  let ws: Client;
  const receiver = new WebhookReceiver();
  const delivered = () => receiver.events().map((e) => ({ type: e.type, alertId: String(e.data.alert.id) }));
  const paged: string[] = [];

  beforeAll(async () => {
    app = await startTestApp('alert-age', {
      env: { VERBATIM_SLA_CHECK_EVERY_SECONDS: '1', VERBATIM_ALERT_MAX_AGE_DAYS: '14', VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' },
    });
    await receiver.listen();
    const hook = await app.gql(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`, {
      input: { url: receiver.url(), events: ['alert.raised', 'alert.sla_breached'] },
    });
    expect(hook.errors).toBeUndefined();
    const c = wsClient(app);
    ws = c.client;
    await c.connected;
    ws.subscribe(
      { query: SUBSCRIBE },
      { next: (msg) => paged.push((msg.data as any).atRiskAlert.id), error: () => undefined, complete: () => undefined },
    );
  });

  afterAll(async () => {
    await ws?.dispose();
    await app?.stop();
    await receiver.close();
  });

  const submit = async (externalId: string, respondedAt: Date): Promise<string> => {
    const res = await app.gql(SUBMIT, {
      input: {
        externalId,
        score: 1,
        comment:
          'Support never answers, the pigeon post is late and the invoice was wrong. We are cancelling and switching to another vendor.',
        respondedAt: respondedAt.toISOString(),
        customer: { externalId: `${externalId}-cust`, accountValue: 80000 },
        attributes: [{ key: 'account_manager', value: 'dana' }],
      },
    });
    expect(res.errors).toBeUndefined();
    return res.data!.submitResponse.id as string;
  };
  const alertsOf = async (responseId: string) => {
    const res = await app.gql(ALERTS, {});
    expect(res.errors).toBeUndefined();
    return (res.data!.alerts.edges as { node: any }[]).map((e) => e.node).filter((a) => a.response.id === responseId);
  };

  it('records an old answer’s alert as HISTORICAL, pages only the fresh one, and never raises a second alert on re-analysis', async () => {
    const fresh = await submit('age-fresh', new Date(Date.now() - 3_600_000));
    const old = await submit('age-old', new Date(Date.now() - 90 * DAY));

    const [freshAlert] = await waitFor(
      async () => {
        const a = await alertsOf(fresh);
        return a.length ? a : null;
      },
      { what: 'alert of the fresh answer' },
    );
    const [oldAlert] = await waitFor(
      async () => {
        const a = await alertsOf(old);
        return a.length ? a : null;
      },
      { what: 'alert of the old answer' },
    );
    expect(freshAlert).toMatchObject({ status: 'OPEN', assignee: 'dana', slaBreached: false, overdue: false });
    expect(oldAlert).toMatchObject({ status: 'HISTORICAL', assignee: 'dana', slaBreached: false, overdue: false });
    expect(new Date(oldAlert.dueAt).getTime()).toBeLessThan(Date.now());
    expect(oldAlert.history[0].note).toContain('not paged');
    // Queryable by status, like any alert.
    const historical = await app.gql(`query { alerts(filter: { statuses: [HISTORICAL] }) { totalCount edges { node { id } } } }`);
    expect(historical.data!.alerts.edges.map((e: any) => e.node.id)).toEqual([oldAlert.id]);

    // The fresh alert pages (subscription and webhook); the old one never does, and the SLA sweep
    // (every second here) never flags it although its due date has passed.
    await waitFor(
      async () =>
        paged.includes(freshAlert.id) && delivered().some((d) => d.type === 'alert.raised' && d.alertId === freshAlert.id) ? true : null,
      { what: 'the fresh alert paged' },
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(paged).not.toContain(oldAlert.id);
    expect(delivered().filter((d) => d.alertId === oldAlert.id)).toEqual([]);
    expect((await alertsOf(old))[0]).toMatchObject({ status: 'HISTORICAL', slaBreached: false });

    // A new rule would route both responses elsewhere; a taxonomy edit re-analyses them.
    const rule = await app.gql(CREATE_RULE, {
      input: { name: 'All detractors', categories: ['DETRACTOR'], assignMode: 'FIXED', assignee: 'escalations', slaHours: 24 },
    });
    expect(rule.errors).toBeUndefined();
    const theme = await app.gql(CREATE_THEME, { input: { key: 'pigeon_post', label: 'Pigeon post', keywords: ['pigeon'] } });
    expect(theme.errors).toBeUndefined();
    const version = theme.data!.createTheme.version as number;
    for (const id of [fresh, old]) {
      await waitFor(
        async () => {
          const r = (await app.gql(RESPONSE, { id })).data?.response;
          return r?.analysisStatus === 'DONE' && r.analysis.taxonomyVersion >= version ? true : null;
        },
        { timeoutMs: 60_000, what: `re-analysis of ${id}` },
      );
    }
    // Give the re-analysis effects time to run (they follow the analysis write).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await alertsOf(fresh)).map((a) => a.id)).toEqual([freshAlert.id]);
    expect((await alertsOf(old)).map((a) => a.id)).toEqual([oldAlert.id]);
    expect(
      delivered()
        .filter((d) => d.type === 'alert.raised')
        .map((d) => d.alertId),
    ).toEqual([freshAlert.id]);
  }, 180_000);
});
