/** Pure parts of the weekly report: weeks, NPS change significance, escaping, evidence highlights, the benchmarks file. */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npsChange } from '../../src/domain/nps-change.js';
import { npsFigures } from '../../src/domain/nps.js';
import { BenchmarkService, loadBenchmarks } from '../../src/services/benchmarks/benchmark.service.js';
import { escapeHtml, highlightHtml, highlightText, trendSvg } from '../../src/services/reports/render-report.js';
import { lastCompleteWeek, parseWeek, weekOf } from '../../src/services/reports/report-week.js';
import { highlightsOf } from '../../src/services/reports/weekly-report.service.js';
import { isValidTimeZone, zonedTime } from '../../src/domain/business-calendar.js';
import { latestSlot } from '../../src/services/reports/schedule.js';

describe('report weeks', () => {
  it('maps ISO week keys to UTC Monday-to-Monday ranges and back', () => {
    expect(parseWeek('2026-W01')).toEqual({
      key: '2026-W01',
      from: new Date('2025-12-29T00:00:00Z'),
      to: new Date('2026-01-05T00:00:00Z'),
    });
    expect(parseWeek('2026-W53').from).toEqual(new Date('2026-12-28T00:00:00Z'));
    expect(parseWeek('2020-W53').from).toEqual(new Date('2020-12-28T00:00:00Z'));
    expect(weekOf(new Date('2026-12-02T15:00:00Z')).key).toBe('2026-W49');
    expect(lastCompleteWeek(new Date('2026-12-07T00:00:00Z')).key).toBe('2026-W49');
    expect(lastCompleteWeek(new Date('2026-12-06T23:59:59Z')).key).toBe('2026-W48');
  });

  it('refuses weeks that do not exist, naming the field', () => {
    for (const bad of ['2025-W53', '2026-W00', '2026-W1', 'W47', ''])
      expect(() => parseWeek(bad), bad).toThrow(/week: must be an ISO week/);
  });
});

describe('npsChange', () => {
  it('is significant only beyond the 95% margin of the difference', () => {
    const big = (p: number, d: number) => npsFigures({ promoters: p, passives: 1000 - p - d, detractors: d });
    expect(npsChange(big(600, 100), big(400, 200))).toEqual({ points: 30, significant: true });
    expect(
      npsChange(npsFigures({ promoters: 2, passives: 1, detractors: 3 }), npsFigures({ promoters: 2, passives: 1, detractors: 1 })),
    ).toMatchObject({ significant: false });
    expect(npsChange(npsFigures({ promoters: 0, passives: 0, detractors: 0 }), big(1, 1))).toEqual({ points: null, significant: false });
  });
});

describe('rendering', () => {
  it('escapes every HTML special character and marks evidence spans', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const comment = 'Billing <b>is</b> wrong & slow';
    const spans = [
      { start: 0, end: 7, text: 'Billing' },
      { start: 18, end: 23, text: 'wrong' },
    ];
    expect(highlightHtml(comment, spans)).toBe(
      '<mark style="background:#fff3b0">Billing</mark> &lt;b&gt;is&lt;/b&gt; <mark style="background:#fff3b0">wrong</mark> &amp; slow',
    );
    expect(highlightText(comment, spans)).toBe('[Billing] <b>is</b> [wrong] & slow');
  });

  it('merges overlapping evidence and drops spans outside the comment', () => {
    const span = (start: number, end: number) => ({ start, end, text: '' });
    const analysis = {
      themes: [{ evidence: [span(0, 5), span(3, 9)] }, { evidence: [span(40, 60)] }],
      churnSignals: [{ type: 'x', evidence: span(10, 14) }],
    };
    expect(highlightsOf({ comment: 'abcdefghijklmnopq', analysis } as never)).toEqual([
      { start: 0, end: 9, text: 'abcdefghi' },
      { start: 10, end: 14, text: 'klmn' },
    ]);
  });

  it('draws the trend without NaN when weeks are empty', () => {
    const svg = trendSvg(
      [
        { week: '2026-W01', nps: null, responses: 0, marginOfError: null },
        { week: '2026-W02', nps: 20, responses: 3, marginOfError: 50 },
      ],
      null,
    );
    expect(svg).toMatch(/^<svg /);
    expect(svg).not.toMatch(/NaN|polyline/);
  });
});

describe('benchmarks file', () => {
  it('ships only rows with a named source and a link', () => {
    const rows = loadBenchmarks();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.source.length > 0 && r.url.startsWith('https://')).toBe(true);
  });

  it('refuses a row without a source, naming it', () => {
    const file = join(tmpdir(), `benchmarks-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        benchmarks: [{ industry: 'X', region: 'Global', year: 2024, statistic: 'AVERAGE', value: 10, url: 'https://example.org' }],
      }),
    );
    expect(() => loadBenchmarks(file)).toThrow(/benchmarks\.0\.source/);
  });

  it('finds an industry case-insensitively, newest first, and compares with the default one', () => {
    const row = (year: number, value: number) => ({
      industry: 'Telecom',
      region: 'Global',
      year,
      statistic: 'AVERAGE' as const,
      value,
      source: 's',
      url: 'https://example.org',
    });
    const service = new BenchmarkService([row(2022, 10), row(2024, 20)], 'telecom');
    expect(service.list('TELECOM').map((b) => b.year)).toEqual([2024, 2022]);
    expect(service.compareWith(null)?.value).toBe(20);
    expect(new BenchmarkService([row(2024, 20)], null).compareWith(null)).toBeNull();
    expect(() => service.list(' ')).toThrow(/industry/);
  });
});

describe('report schedule', () => {
  it("finds the latest local slot at or before now, in the subscriber's time zone", () => {
    // Wednesday 2026-12-02 16:00 UTC is 08:00 in Los Angeles (UTC−8).
    const now = new Date('2026-12-02T16:00:00Z');
    expect(latestSlot(now, 'WEDNESDAY', 8, 'America/Los_Angeles')).toEqual({ period: '2026-12-02', at: new Date('2026-12-02T16:00:00Z') });
    expect(latestSlot(now, 'WEDNESDAY', 9, 'America/Los_Angeles')).toEqual({ period: '2026-11-25', at: new Date('2026-11-25T17:00:00Z') });
    expect(latestSlot(now, 'MONDAY', 7, 'Europe/Berlin')).toEqual({ period: '2026-11-30', at: new Date('2026-11-30T06:00:00Z') });
    // Summer time: 07:00 in Berlin is 05:00 UTC.
    expect(latestSlot(new Date('2026-07-01T00:00:00Z'), 'MONDAY', 7, 'Europe/Berlin')).toEqual({
      period: '2026-06-29',
      at: new Date('2026-06-29T05:00:00Z'),
    });
    expect(zonedTime(2026, 12, 3, 0, 'Asia/Tokyo')).toEqual(new Date('2026-12-02T15:00:00Z'));
  });

  it('knows time zones', () => {
    expect(isValidTimeZone('America/Los_Angeles')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
