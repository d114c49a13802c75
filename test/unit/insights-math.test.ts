/**
 * Insight arithmetic on a hand-computed fixture: 10 responses, overall NPS −20.
 *   #  score  themes
 *   1  10     ease_of_use+
 *   2   9     ease_of_use+, pricing−
 *   3   9     —
 *   4   8     pricing−
 *   5   7     support (neutral)
 *   6   6     pricing−, support−
 *   7   4     billing−
 *   8   3     billing−, pricing−
 *   9   2     billing−
 *  10   0     support−
 * pricing: 4 mentions (P1 Pa1 D2) → NPS −25; without: P2 Pa1 D3 of 6 → −16.67; impact −3.33.
 * billing: 3 detractors → −100; without: P3 Pa2 D2 of 7 → +14.29; impact −34.29.
 * ease_of_use: 2 promoters → +100; without: P1 Pa2 D5 of 8 → −50; impact +30.
 * support: Pa1 D2 → −66.67; without: P3 Pa1 D3 of 7 → 0; impact −20.
 */
import { describe, expect, it } from 'vitest';
import { categoryOf } from '../../src/domain/nps.js';
import {
  entryMatches,
  entryVersion,
  encodeEntry,
  decodeEntry,
  type Entry,
  type SentimentCode,
} from '../../src/services/insights/rollups/entry.js';
import {
  allThemeStats,
  extremes,
  npsDifferenceSignificant,
  orderSegments,
  rankDrivers,
  shareDifferenceSignificant,
  themeChange,
  tallyThemes,
  baseCounts,
} from '../../src/services/insights/math.js';
import { kindsFor, RowSet, filterRows, parseRows, serializeRows } from '../../src/services/insights/rollups/rows.js';
import { mergeExamples, pickExamples, type ResponseExamples, type StoredExample } from '../../src/services/insights/rollups/examples.js';
import { periodFirstDay, periodEndDay, periodsBetween, periodOfDay } from '../../src/services/insights/calendar.js';
import { changeWindows } from '../../src/services/insights/reports/theme-breakdown.js';
import { suggestKey, suggestTheme } from '../../src/services/insights/emerging.js';
import { npsFigures } from '../../src/domain/nps.js';

const FIXTURE: [number, [string, SentimentCode][]][] = [
  [10, [['ease_of_use', 'p']]],
  [
    9,
    [
      ['ease_of_use', 'p'],
      ['pricing', 'n'],
    ],
  ],
  [9, []],
  [8, [['pricing', 'n']]],
  [7, [['support', 'u']]],
  [
    6,
    [
      ['pricing', 'n'],
      ['support', 'n'],
    ],
  ],
  [4, [['billing', 'n']]],
  [
    3,
    [
      ['billing', 'n'],
      ['pricing', 'n'],
    ],
  ],
  [2, [['billing', 'n']]],
  [0, [['support', 'n']]],
];

function entry(i: number, score: number, themes: [string, SentimentCode][] | null, extra: Partial<Entry> = {}): Entry {
  return {
    id: `r${i}`,
    version: entryVersion(0, new Date(1_000)),
    score,
    category: categoryOf(score),
    touchpoint: i % 2 ? 'renewal' : 'support_closed',
    tags: [`region=${i <= 5 ? 'emea' : 'apac'}`],
    themes: themes ? themes.map(([key, sentiment]) => ({ key, sentiment, confidence: 0.9 })) : null,
    ts: Date.UTC(2026, 2, i),
    comment: `comment ${i}`,
    ...extra,
  };
}

const fixtureEntries = () => FIXTURE.map(([score, themes], i) => entry(i + 1, score, themes));

function fixtureRows() {
  const set = new RowSet();
  for (const e of fixtureEntries()) set.addEntry(e, kindsFor(null, true));
  return set.list();
}

describe('theme stats on the hand-computed fixture', () => {
  const { base, themes } = allThemeStats(fixtureRows());
  const byKey = Object.fromEntries(themes.map((t) => [t.key, t]));

  it('counts responses once and themes per mention', () => {
    expect(base).toEqual({ promoters: 3, passives: 2, detractors: 5, scoreSum: 58 });
    expect(themes.map((t) => [t.key, t.mentions])).toEqual([
      ['pricing', 4],
      ['billing', 3],
      ['support', 3],
      ['ease_of_use', 2],
    ]);
  });

  it('computes NPS among mentioners, NPS without them and the impact', () => {
    expect(byKey.pricing).toMatchObject({ share: 0.4, averageScore: 6.5, impact: -3.33 });
    expect(byKey.pricing.figures.nps).toBe(-25);
    expect(byKey.pricing.without.nps).toBe(-16.67);
    expect(byKey.billing).toMatchObject({ impact: -34.29 });
    expect(byKey.billing.figures.nps).toBe(-100);
    expect(byKey.ease_of_use).toMatchObject({ impact: 30 });
    expect(byKey.support).toMatchObject({ impact: -20 });
    expect(byKey.support.figures.nps).toBe(-66.67);
  });

  it('splits the sentiment of mentions', () => {
    expect(byKey.pricing.sentiment).toEqual({ positive: 0, neutral: 0, negative: 4 });
    expect(byKey.support.sentiment).toEqual({ positive: 0, neutral: 1, negative: 2 });
  });

  it('ranks detraction and promotion drivers by impact', () => {
    const { detraction, promotion } = rankDrivers(themes);
    expect(detraction.map((t) => [t.key, t.impact])).toEqual([
      ['billing', -34.29],
      ['support', -20],
      ['pricing', -3.33],
    ]);
    expect(promotion.map((t) => [t.key, t.impact])).toEqual([['ease_of_use', 30]]);
    expect(byKey.billing.shareOfDetractors).toBeCloseTo(3 / 5);
  });

  it('leaves unanalysed responses out of theme stats but not out of NPS', () => {
    const set = new RowSet();
    for (const e of [...fixtureEntries(), entry(11, 10, null)]) set.addEntry(e, kindsFor(null, true));
    expect(allThemeStats(set.list()).base).toEqual(base);
    expect(baseCounts(set.list(), false)).toMatchObject({ promoters: 4, passives: 2, detractors: 5 });
  });

  it('has no impact when every analysed response mentions the theme', () => {
    const set = new RowSet();
    set.addEntry(entry(1, 9, [['x', 'p']]), kindsFor(null, true));
    expect(allThemeStats(set.list()).themes[0].impact).toBeNull();
  });
});

describe('rows', () => {
  it('survive serialisation and filter by touchpoint, category and attribute value', () => {
    const set = new RowSet();
    for (const e of fixtureEntries()) set.addEntry(e, kindsFor('region', true));
    const rows = parseRows(serializeRows(set.list()));
    const emea = filterRows(rows, { attributeValues: ['emea'] });
    expect(baseCounts(emea, false)).toMatchObject({ promoters: 3, passives: 2, detractors: 0 });
    const detractorsOnRenewal = filterRows(rows, { categories: ['DETRACTOR'], touchpoints: ['renewal'] });
    expect(baseCounts(detractorsOnRenewal, false).detractors).toBe(2); // #7 and #9
    expect(tallyThemes(emea).get('pricing')!.counts).toMatchObject({ promoters: 1, passives: 1, detractors: 0 });
  });

  it('leave out responses without the attribute of an attribute kind', () => {
    const set = new RowSet();
    set.addEntry(entry(1, 9, [], { tags: [] }), kindsFor('region', false));
    expect(set.size).toBe(0);
  });
});

describe('significance', () => {
  it('flags large NPS differences between large samples, not small ones', () => {
    expect(npsDifferenceSignificant({ promoters: 60, passives: 20, detractors: 20 }, { promoters: 20, passives: 20, detractors: 60 })).toBe(
      true,
    );
    expect(npsDifferenceSignificant({ promoters: 2, passives: 1, detractors: 1 }, { promoters: 1, passives: 1, detractors: 2 })).toBe(
      false,
    );
    expect(npsDifferenceSignificant({ promoters: 0, passives: 0, detractors: 0 }, { promoters: 5, passives: 0, detractors: 0 })).toBe(
      false,
    );
  });

  it('tests share changes with a pooled two-proportion z-test', () => {
    // 30% of 1000 vs 20% of 1000: z ≈ 5.1.
    expect(shareDifferenceSignificant(300, 1000, 200, 1000)).toBe(true);
    // 3 of 10 vs 2 of 10: z ≈ 0.5.
    expect(shareDifferenceSignificant(3, 10, 2, 10)).toBe(false);
    expect(shareDifferenceSignificant(0, 0, 2, 10)).toBe(false);
  });

  it('reports a theme change between two periods', () => {
    const current = allThemeStats(fixtureRows());
    const before = new RowSet();
    for (const e of fixtureEntries().slice(0, 5)) before.addEntry(e, kindsFor(null, true));
    const previous = allThemeStats(before.list());
    const cur = current.themes.find((t) => t.key === 'pricing')!;
    const prev = previous.themes.find((t) => t.key === 'pricing')!;
    const change = themeChange(
      { stats: cur, counts: tallyThemes(fixtureRows()).get('pricing')!.counts, base: current.base },
      { stats: prev, counts: tallyThemes(before.list()).get('pricing')!.counts, base: previous.base },
    );
    // Previous: pricing in #2 (P) and #4 (Pa) of 5 → share 0.4, NPS +50; now 4 of 10 → 0.4, −25.
    expect(change).toMatchObject({ previousMentions: 2, previousShare: 0.4, previousNps: 50, mentions: 2, share: 0, nps: -75 });
    expect(change.shareSignificant).toBe(false);
  });
});

describe('segments', () => {
  it('orders by NPS and picks extremes among segments large enough to trust', () => {
    const seg = (value: string, p: number, d: number) => ({ value, ...npsFigures({ promoters: p, passives: 0, detractors: d }) });
    const ordered = orderSegments([seg('small-best', 5, 0), seg('big-mid', 40, 10), seg('big-low', 10, 30), seg('big-high', 45, 5)]);
    expect(ordered.map((s) => s.value)).toEqual(['small-best', 'big-high', 'big-mid', 'big-low']);
    const { happiest, leastSatisfied } = extremes(ordered);
    expect(happiest!.value).toBe('big-high');
    expect(leastSatisfied!.value).toBe('big-low');
  });
});

describe('entries', () => {
  it('round-trip through the ledger encoding', () => {
    const e = entry(3, 9, [['pricing', 'n']]);
    expect(decodeEntry(e.id, encodeEntry(e))).toEqual(e);
  });

  it('order versions by analysis revision, then analysis time; unanalysed lowest', () => {
    const ingested = entryVersion(0, null);
    const analysed = entryVersion(0, new Date('2026-03-01T00:00:00Z'));
    const reanalysed = entryVersion(0, new Date('2026-03-02T00:00:00Z'));
    const nextRevision = entryVersion(1, new Date('2026-01-01T00:00:00Z'));
    expect([nextRevision, ingested, reanalysed, analysed].sort()).toEqual([ingested, analysed, reanalysed, nextRevision]);
  });

  it('match filters like the MongoDB filter does', () => {
    const e = entry(4, 8, [['pricing', 'n']], { tags: ['region=emea', 'plan=pro'] });
    expect(entryMatches(e, { categories: ['PASSIVE'], themes: ['pricing', 'billing'] })).toBe(true);
    expect(
      entryMatches(e, {
        attributes: [
          { key: 'region', value: 'apac' },
          { key: 'region', value: 'emea' },
        ],
        touchpoints: ['support_closed'],
      }),
    ).toBe(true);
    expect(
      entryMatches(e, {
        attributes: [
          { key: 'region', value: 'emea' },
          { key: 'plan', value: 'free' },
        ],
      }),
    ).toBe(false);
    expect(entryMatches(e, { from: new Date(e.ts + 1) })).toBe(false);
    expect(entryMatches(e, { to: new Date(e.ts) })).toBe(false);
    expect(entryMatches(e, { touchpoints: ['renewal'] })).toBe(false);
  });
});

describe('examples', () => {
  const example = (id: string, version: string, f: number, t = 1): StoredExample => ({
    i: id,
    v: version,
    c: `text ${id}`,
    s: 3,
    p: 'renewal',
    g: ['region=emea'],
    h: ['billing'],
    t,
    e: 'n',
    f,
    r: [[0, 4, 'text']],
  });
  const update = (id: string, version: string, themes: Record<string, StoredExample>): ResponseExamples => ({
    id,
    version,
    month: '2026-03',
    byTheme: new Map(Object.entries(themes)),
  });

  it('replace a re-analysed response and keep the best first', () => {
    const first = mergeExamples({}, [
      update('a', 'v1', { billing: example('a', 'v1', 0.5) }),
      update('b', 'v1', { billing: example('b', 'v1', 0.9) }),
    ])!;
    expect(first.billing.map((e) => e.i)).toEqual(['b', 'a']);
    // 'a' re-analysed: no longer about billing.
    const second = mergeExamples(first, [update('a', 'v2', { pricing: example('a', 'v2', 0.7) })])!;
    expect(second.billing.map((e) => e.i)).toEqual(['b']);
    expect(second.pricing.map((e) => e.i)).toEqual(['a']);
    // A stale write of the old analysis changes nothing.
    expect(mergeExamples(second, [update('a', 'v1', { billing: example('a', 'v1', 0.5) })])).toBeNull();
  });

  it('are picked by filter', () => {
    const lists = [{ billing: [example('a', 'v1', 0.9), { ...example('b', 'v1', 0.8), p: 'checkout' }] }];
    expect(pickExamples(lists, 'billing', { touchpoints: ['checkout'] }, 3).map((e) => e.i)).toEqual(['b']);
    expect(pickExamples(lists, 'billing', { search: 'TEXT A' }, 3).map((e) => e.i)).toEqual(['a']);
  });

  it('show a near-duplicate text once, as its most confident copy, with the number of the others', () => {
    const pasted = 'The invoice charged us twice for the same month';
    const lists = [
      {
        billing: [
          { ...example('a', 'v1', 0.6), c: pasted.toUpperCase() },
          { ...example('b', 'v1', 0.9), c: `${pasted}!` },
          { ...example('c', 'v1', 0.7), c: 'Billing support never replied to my refund request' },
          { ...example('d', 'v1', 0.8), c: pasted },
        ],
      },
    ];
    expect(pickExamples(lists, 'billing', null, 3).map((e) => [e.i, e.duplicates])).toEqual([
      ['b', 2],
      ['c', 0],
    ]);
    expect(pickExamples(lists, 'billing', null, 1).map((e) => e.i)).toEqual(['b']);
  });
});

describe('calendar', () => {
  it('names and bounds ISO weeks, months and quarters', () => {
    expect(periodOfDay('2026-01-01', 'WEEK')).toBe('2026-W01');
    expect(periodFirstDay('2026-W01', 'WEEK')).toBe('2025-12-29');
    expect(periodEndDay('2026-W01', 'WEEK')).toBe('2026-01-05');
    expect(periodOfDay('2027-01-01', 'WEEK')).toBe('2026-W53');
    expect(periodFirstDay('2026-Q4', 'QUARTER')).toBe('2026-10-01');
    expect(periodEndDay('2026-Q4', 'QUARTER')).toBe('2027-01-01');
    expect(periodEndDay('2026-02', 'MONTH')).toBe('2026-03-01');
    expect(periodsBetween('2026-01-30', '2026-04-02', 'MONTH')).toEqual(['2026-01', '2026-02', '2026-03', '2026-04']);
    expect(periodsBetween('2025-12-31', '2026-01-01', 'DAY')).toEqual(['2025-12-31', '2026-01-01']);
  });

  it('compares a range with the one of equal length before it, else the last 30 days', () => {
    const from = new Date('2026-03-01T00:00:00Z');
    const to = new Date('2026-03-11T00:00:00Z');
    expect(changeWindows({ from, to }, new Date()).previous).toEqual({ from: new Date('2026-02-19T00:00:00Z'), to: from });
    const none = changeWindows(null, new Date('2026-03-15T10:00:00Z'));
    expect(none.current).toEqual({ from: new Date('2026-02-14T00:00:00Z'), to: new Date('2026-03-16T00:00:00Z') });
    expect(none.previous.to).toEqual(none.current.from);
    expect(none.reuseMain).toBe(false);
  });
});

describe('theme suggestions', () => {
  it('make a fresh snake_case key and keywords from the candidate', () => {
    expect(suggestKey('Dark mode', new Set(['dark_mode']))).toBe('dark_mode_2');
    expect(suggestKey('2FA codes', new Set())).toBe('theme_2fa_codes');
    const texts = ['Please add a dark mode', 'Please add a dark mode for night shifts', 'We would love you to add a dark mode'];
    const s = suggestTheme(
      { phrase: 'dark mode', count: 12, relatedPhrases: ['dark theme', 'Dark mode'], exampleIndexes: [0, 1, 2] },
      200,
      texts,
      new Set(),
    );
    // Examples are phrases shared by at least three of the verbatims, never a verbatim itself.
    expect(s).toMatchObject({ key: 'dark_mode', label: 'Dark mode', keywords: ['dark mode', 'dark theme'], examples: ['add a dark mode'] });
    expect(s.description).toContain('12 of 200');
  });
});
