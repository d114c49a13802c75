/**
 * The demo's loader and report against a real test app at a small size: the sample programme
 * imports, its touchpoint events become survey invitations (the planner ticking every second), the
 * demo's sending tool answers some of them, everything gets analysed, the report's figures (response
 * rates included) come out of the GraphQL API, and loading it again only counts duplicates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphqlClient } from '../../src/demo/client.js';
import { loadSampleProgramme } from '../../src/demo/load.js';
import { buildReport, formatReport } from '../../src/demo/report.js';
import { COMPANY, generateSampleEvents, generateSampleProgramme } from '../../src/demo/sample-programme.js';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../helpers/app.js';

const SIZE = 300;
const SEED = 42;

describe('demo', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('demo', { roles: ['api', 'worker'], env: { VERBATIM_DISPATCH_EVERY_SECONDS: '1' } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('generates the same programme for the same seed', () => {
    const a = generateSampleProgramme({ size: 50, seed: SEED, end: new Date('2026-06-01T00:00:00Z') });
    const b = generateSampleProgramme({ size: 50, seed: SEED, end: new Date('2026-06-01T00:00:00Z') });
    expect(a).toEqual(b);
    expect(new Set(a.map((r) => r.touchpoint)).size).toBeGreaterThanOrEqual(4);
    expect(a[0].attributes.map((x) => x.key)).toEqual(['region', 'plan', 'account_manager', 'acquisition_channel']);
  });

  it('loads, analyses and reports the sample programme; a second load only counts duplicates', async () => {
    const client = new GraphqlClient(app.url, TEST_ADMIN_KEY);
    const events = generateSampleEvents({ size: SIZE, seed: SEED }).length;
    const first = await loadSampleProgramme(client, { size: SIZE, seed: SEED, pollMs: 500, dispatchEverySeconds: 1 });
    expect(first.imported).toEqual({ accepted: SIZE, duplicates: 0, errors: 0 });
    // Every touchpoint event became one invitation (released or skipped); the released ones were sent and some answered.
    expect(first.programme).toMatchObject({ events: { accepted: events, duplicates: 0, errors: 0 }, invitations: events });
    const answered = first.programme?.answered ?? 0;
    expect(answered).toBeGreaterThan(0);
    expect(first.progress).toMatchObject({ total: SIZE + answered, pending: 0, done: SIZE + answered, failed: 0 });

    const report = await buildReport(client);
    expect(report.nps.responses).toBe(SIZE + answered);
    expect(report.programme).toMatchObject({ invitations: events });
    expect(report.programme!.rates.reduce((n, r) => n + r.responses, 0)).toBe(answered);
    expect(report.nps.nps).toEqual(expect.any(Number));
    expect(report.nps.marginOfError).toBeGreaterThan(0);
    expect(report.drivers.length).toBeGreaterThan(0);
    expect(report.drivers.every((d) => d.impact < 0)).toBe(true);
    expect(report.emerging).not.toBeNull();
    expect(report.emerging!.count).toBeGreaterThanOrEqual(3);
    expect(report.atRisk).not.toBeNull();
    expect(report.leastSatisfiedRegion).not.toBeNull();
    const text = formatReport(report, { company: COMPANY, url: app.url, key: TEST_ADMIN_KEY });
    expect(text).toContain('NPS');
    expect(text).toContain(report.drivers[0].label);
    expect(text).toContain('curl');
    expect(text).toContain('Survey programme');

    const again = await loadSampleProgramme(client, { size: SIZE, seed: SEED, pollMs: 500, dispatchEverySeconds: 1 });
    expect(again.imported).toEqual({ accepted: 0, duplicates: SIZE, errors: 0 });
    expect(again.programme).toMatchObject({ events: { accepted: 0, duplicates: events, errors: 0 }, invitations: events, answered: 0 });
    expect((await buildReport(client)).nps.responses).toBe(SIZE + answered);
  }, 150_000);
});
