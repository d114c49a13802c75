/** Pure rules of "respond to every survey": tasks, slipping promoters, review links, team turns, spend bands. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { bandLabels, bandOf, parseBandEdges } from '../../src/domain/account-value-bands.js';
import { isSlippingPromoter, reviewUrlProblem, taskText } from '../../src/services/alerts/follow-up-tasks.js';
import { chooseRoute } from '../../src/services/alerts/routing.js';
import { nextInTurn } from '../../src/services/teams/team-rotation.js';

describe('follow-up tasks', () => {
  const defaults = {
    ownerAttribute: 'account_manager',
    fallbackAssignee: 'unassigned',
    slaHours: 48,
    minRiskLevel: 'MEDIUM' as const,
    followUpCategories: ['PROMOTER', 'PASSIVE', 'DETRACTOR'] as const,
    reviewUrl: 'https://r.example/x',
  };
  const facts = { riskLevel: 'LOW' as const, touchpoint: null, themeKeys: [], attributes: [] };

  it('routes every category by default, each with its task; detractors below the minimum level are not paged', () => {
    expect(chooseRoute([], { ...facts, category: 'PROMOTER', score: 10 }, defaults)).toMatchObject({
      task: 'THANK_AND_ASK_REVIEW',
      reviewUrl: 'https://r.example/x',
      channels: ['WEBHOOK'],
    });
    expect(chooseRoute([], { ...facts, category: 'PASSIVE', score: 7 }, defaults)).toMatchObject({
      task: 'ASK_WHAT_WOULD_MAKE_IT_A_10',
      reviewUrl: null,
    });
    expect(chooseRoute([], { ...facts, category: 'DETRACTOR', score: 6 }, defaults)).toBeNull();
    expect(chooseRoute([], { ...facts, category: 'PASSIVE', score: 7 }, { ...defaults, followUpCategories: ['DETRACTOR'] })).toBeNull();
  });

  it('gives a slipping promoter ASK_WHAT_CHANGED, whatever the configured categories', () => {
    expect(isSlippingPromoter(9, 8)).toBe(true);
    expect(isSlippingPromoter(10, 0)).toBe(true);
    expect(isSlippingPromoter(8, 3)).toBe(false);
    expect(isSlippingPromoter(9, 9)).toBe(false);
    expect(isSlippingPromoter(null, 3)).toBe(false);
    const route = chooseRoute([], { ...facts, category: 'PASSIVE', score: 8, previousScore: 9 }, { ...defaults, followUpCategories: [] });
    expect(route).toMatchObject({ task: 'ASK_WHAT_CHANGED', slippingPromoter: true, channels: ['SUBSCRIPTION', 'WEBHOOK'] });
    expect(taskText({ task: 'ASK_WHAT_CHANGED', score: 8, previousScore: 9, slaHours: 1, reviewUrl: null })).toBe(
      'Was a promoter (9/10), now 8/10: ask what changed, within 1 hour.',
    );
  });

  it('accepts only absolute https review links', () => {
    expect(reviewUrlProblem('https://g.page/r/acme/review')).toBeNull();
    expect(reviewUrlProblem('http://g.page/r/acme')).toMatch(/https/);
    expect(reviewUrlProblem('/reviews')).toMatch(/absolute/);
    expect(reviewUrlProblem(`https://x.example/${'a'.repeat(2000)}`)).toMatch(/at most/);
  });
});

describe('team turns', () => {
  const team = { name: 'care', members: ['ann', 'ben', 'cat'], lead: 'lee', maxOpenPerMember: 2, rotation: 1 };

  it('gives the next member in turn under the cap, skipping those at it, else the lead', () => {
    expect(nextInTurn(team, new Map())).toMatchObject({ assignee: 'ben', nextRotation: 2 });
    expect(nextInTurn(team, new Map([['ben', 2]]))).toMatchObject({ assignee: 'cat', nextRotation: 0 });
    expect(nextInTurn(team, new Map([['ben', 2]])).reason).toMatch(/skipped 1 at the cap/);
    const full = nextInTurn(
      team,
      new Map([
        ['ann', 2],
        ['ben', 3],
        ['cat', 2],
      ]),
    );
    expect(full).toMatchObject({ assignee: 'lee', nextRotation: null });
    expect(full.reason).toMatch(/overflow to the lead lee/);
    expect(nextInTurn({ ...team, maxOpenPerMember: null }, new Map([['ben', 99]]))).toMatchObject({ assignee: 'ben' });
  });
});

describe('spend bands', () => {
  it('labels bands from the edges, the edge itself belonging to the band above', () => {
    const edges = parseBandEdges('1000,10000,100000');
    expect(bandLabels(edges)).toEqual(['under 1k', '1k-10k', '10k-100k', '100k+']);
    expect([0, 999.99, 1000, 9999, 10_000, 100_000, 5e6].map((v) => bandOf(v, edges))).toEqual([
      'under 1k',
      'under 1k',
      '1k-10k',
      '1k-10k',
      '10k-100k',
      '100k+',
      '100k+',
    ]);
    expect(bandLabels(parseBandEdges('2500,1000000'))).toEqual(['under 2.5k', '2.5k-1M', '1M+']);
    expect(() => parseBandEdges('10,5')).toThrow(/ascending/);
    expect(() => parseBandEdges('0,5')).toThrow(/positive/);
    expect(() => parseBandEdges('a')).toThrow(/positive/);
  });
});

describe('configuration', () => {
  it('defaults to follow-ups for all three categories and the 1k/10k/100k bands; refuses bad values at start', () => {
    const config = loadConfig({});
    expect(config.VERBATIM_FOLLOW_UP_CATEGORIES).toEqual(['PROMOTER', 'PASSIVE', 'DETRACTOR']);
    expect(config.VERBATIM_ACCOUNT_VALUE_BANDS).toEqual([1000, 10000, 100000]);
    expect(loadConfig({ VERBATIM_FOLLOW_UP_CATEGORIES: 'detractor, passive' }).VERBATIM_FOLLOW_UP_CATEGORIES).toEqual([
      'DETRACTOR',
      'PASSIVE',
    ]);
    expect(loadConfig({ VERBATIM_FOLLOW_UP_CATEGORIES: 'none' }).VERBATIM_FOLLOW_UP_CATEGORIES).toEqual([]);
    expect(() => loadConfig({ VERBATIM_FOLLOW_UP_CATEGORIES: 'PROMOTERS' })).toThrow(/VERBATIM_FOLLOW_UP_CATEGORIES/);
    expect(() => loadConfig({ VERBATIM_REVIEW_URL: 'http://reviews.example.test' })).toThrow(ConfigError);
    expect(() => loadConfig({ VERBATIM_ACCOUNT_VALUE_BANDS: '10000,1000' })).toThrow(/VERBATIM_ACCOUNT_VALUE_BANDS.*ascending/);
  });
});
