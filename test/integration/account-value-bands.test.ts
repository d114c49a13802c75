/**
 * Segment by spend over the real API: a response sent with `customer.accountValue` carries its
 * spend band as the `account_value_band` attribute (edges from VERBATIM_ACCOUNT_VALUE_BANDS), and
 * `segments` and `npsTrend(groupBy)` break NPS down by it; a MANAGER scope applies as to any read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';

const NAME = 'account-value-bands';
const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id attributes { key value } } }`;
const SEGMENTS = `query($filter: ResponseFilter) { segments(filter: $filter, attribute: "account_value_band", themes: 0) {
  byAttribute { dimension segments { value responses nps } } } }`;
const TREND = `query($filter: ResponseFilter) { npsTrend(filter: $filter, interval: MONTH, groupBy: { attribute: "account_value_band" }) {
  series { group responses points { nps responses } } } }`;

describe('account value bands as a segment dimension', () => {
  let app: TestApp;

  beforeAll(async () => {
    // Custom edges: 5,000 and 50,000 → "under 5k", "5k-50k", "50k+".
    app = await startTestApp(NAME, { roles: ['api', 'worker'], env: { VERBATIM_ACCOUNT_VALUE_BANDS: '5000,50000' } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('records the band of the account value sent with a response, and segments and trends NPS by it', async () => {
    const respondedAt = new Date(Date.UTC(2026, 10, 10, 12)).toISOString();
    const answers = [
      { value: 400, score: 10 },
      { value: 4999.99, score: 9 },
      { value: 5000, score: 2 }, // the lower edge belongs to the band above
      { value: 20_000, score: 9 },
      { value: 50_000, score: 3 },
      { value: 250_000, score: 4 },
      { value: null, score: 10 }, // no account value: no band
    ];
    const stored = [];
    for (const [i, a] of answers.entries()) {
      const res = await app.gql(SUBMIT, {
        input: {
          externalId: `band-${i}`,
          score: a.score,
          comment: 'ok',
          respondedAt,
          attributes: [{ key: 'region', value: i % 2 ? 'north' : 'south' }],
          customer: { externalId: `band-cust-${i}`, ...(a.value === null ? {} : { accountValue: a.value }) },
        },
      });
      expect(res.errors).toBeUndefined();
      stored.push(res.data!.submitResponse);
    }
    const band = (r: { attributes: { key: string; value: string }[] }) => r.attributes.find((a) => a.key === 'account_value_band')?.value;
    expect(stored.map(band)).toEqual(['under 5k', 'under 5k', '5k-50k', '5k-50k', '50k+', '50k+', undefined]);

    const segments = await waitFor(
      async () => {
        const res = await app.gql(SEGMENTS, {});
        expect(res.errors).toBeUndefined();
        const group = res.data!.segments.byAttribute;
        return group.segments.reduce((n: number, s: any) => n + s.responses, 0) === 6 ? group : null;
      },
      { timeoutMs: 60_000, what: 'six banded responses in segments' },
    );
    expect(segments.dimension).toBe('account_value_band');
    const byBand = Object.fromEntries(segments.segments.map((s: any) => [s.value, { responses: s.responses, nps: s.nps }]));
    expect(byBand).toEqual({
      'under 5k': { responses: 2, nps: 100 },
      '5k-50k': { responses: 2, nps: 0 },
      '50k+': { responses: 2, nps: -100 },
    });

    const trend = (await app.gql(TREND, {})).data!.npsTrend.series as any[];
    expect(Object.fromEntries(trend.map((s) => [s.group, s.responses]))).toEqual({ 'under 5k': 2, '5k-50k': 2, '50k+': 2 });
    expect(trend.find((s) => s.group === '50k+').points.find((p: any) => p.responses > 0).nps).toBe(-100);

    // A band is an attribute like any other: filters and scopes combine with it.
    const north = (await app.gql(SEGMENTS, { filter: { attributes: [{ key: 'region', value: 'north' }] } })).data!.segments.byAttribute;
    expect(north.segments.reduce((n: number, s: any) => n + s.responses, 0)).toBe(3);
    const created = await app.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
      input: { name: 'south manager', role: 'MANAGER', scope: [{ key: 'region', value: 'south' }] },
    });
    const manager = app.as(created.data!.createApiKey.key);
    const scoped = (await manager(TREND, {})).data!.npsTrend.series as any[];
    expect(scoped.reduce((n, s) => n + s.responses, 0)).toBe(3);
  });

  it('refuses an account value out of range, naming the field', async () => {
    const res = await app.gql(SUBMIT, { input: { score: 5, customer: { externalId: 'neg', accountValue: -1 } } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customer.accountValue' });
  });
});
