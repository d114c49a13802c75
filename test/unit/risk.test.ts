import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_SETTINGS, levelOf, scoreChurnRisk, type RiskInput } from '../../src/services/risk/churn-risk.js';
import { parseRiskThresholds, parseRiskWeights } from '../../src/services/risk/risk-settings.js';
import { chooseRoute, resolveAssignee } from '../../src/services/alerts/routing.js';
import type { RoutingRuleEntity } from '../../models/routing/routing-rule.entity.js';

const base: RiskInput = {
  score: 8,
  category: 'PASSIVE',
  sentiment: { label: 'neutral', score: 0.05 },
  churnSignals: [],
  negativeThemes: [],
  previous: null,
  recentNegativeThemes: [],
  accountValue: null,
};

describe('churn risk scoring', () => {
  it('scores a happy promoter LOW with no reasons', () => {
    const risk = scoreChurnRisk({ ...base, score: 10, category: 'PROMOTER', sentiment: { label: 'positive', score: 0.8 } });
    expect(risk).toEqual({ score: 0, level: 'LOW', reasons: [] });
  });

  it('a detractor with churn intent and strong negative sentiment is CRITICAL, churn intent named', () => {
    const risk = scoreChurnRisk({
      ...base,
      score: 2,
      category: 'DETRACTOR',
      sentiment: { label: 'negative', score: -0.72 },
      churnSignals: ['cancel', 'switch'],
    });
    // 30 + 2·4 detractor, 35 churn (30 + 5 for the second signal), 14 sentiment
    expect(risk.score).toBe(87);
    expect(risk.level).toBe('CRITICAL');
    expect(risk.reasons[0]).toMatch(/Detractor score \(2\/10\)/);
    expect(risk.reasons.join(' ')).toMatch(/Churn intent: customer wants to cancel, talks about switching/);
    expect(risk.reasons.join(' ')).toMatch(/Strongly negative verbatim/);
  });

  it('flags a score slipping from promoter to passive and from passive to detractor', () => {
    const passive = scoreChurnRisk({ ...base, score: 7, previous: { score: 9, category: 'PROMOTER' } });
    expect(passive.reasons).toContain('Score slipping: 9 → 7 (promoter → passive)');
    expect(passive.score).toBe(8 + 15);
    const detractor = scoreChurnRisk({ ...base, score: 6, category: 'DETRACTOR', previous: { score: 9, category: 'PROMOTER' } });
    expect(detractor.reasons).toContain('Score slipping: 9 → 6 (promoter → detractor)');
    expect(detractor.score).toBe(30 + 15 + 5);
    expect(detractor.level).toBe('HIGH');
    // Going up is no slip.
    expect(scoreChurnRisk({ ...base, score: 9, category: 'PROMOTER', previous: { score: 6, category: 'DETRACTOR' } }).reasons).toEqual([]);
  });

  it('counts repeated complaints about the same theme, capped', () => {
    const risk = scoreChurnRisk({
      ...base,
      negativeThemes: [
        { key: 'billing', label: 'Billing' },
        { key: 'support', label: 'Support' },
        { key: 'ux', label: 'UX' },
      ],
      recentNegativeThemes: [['billing'], ['support', 'ux']],
    });
    expect(risk.reasons).toContain('Repeated complaint about Billing, Support, UX (also in earlier responses)');
    expect(risk.score).toBe(8 + DEFAULT_RISK_SETTINGS.weights.repeatedThemeMax);
  });

  it('adds account value from the threshold on, and never exceeds 100', () => {
    expect(scoreChurnRisk({ ...base, accountValue: 49_999 }).score).toBe(8);
    expect(scoreChurnRisk({ ...base, accountValue: 50_000 }).reasons).toContain('High-value account (50000)');
    const max = scoreChurnRisk({
      ...base,
      score: 0,
      category: 'DETRACTOR',
      sentiment: { label: 'negative', score: -1 },
      churnSignals: ['cancel', 'switch', 'refund'],
      previous: { score: 10, category: 'PROMOTER' },
      negativeThemes: [{ key: 'a', label: 'A' }],
      recentNegativeThemes: [['a']],
      accountValue: 1e6,
    });
    expect(max.score).toBe(100);
    expect(max.level).toBe('CRITICAL');
  });

  it('bands scores by the thresholds', () => {
    const t = DEFAULT_RISK_SETTINGS.thresholds;
    expect([0, 24, 25, 49, 50, 74, 75, 100].map((s) => levelOf(s, t))).toEqual([
      'LOW',
      'LOW',
      'MEDIUM',
      'MEDIUM',
      'HIGH',
      'HIGH',
      'CRITICAL',
      'CRITICAL',
    ]);
  });

  it('takes weights and thresholds from configuration strings', () => {
    expect(parseRiskWeights('churnSignal=50, highValue=0')).toMatchObject({ churnSignal: 50, highValue: 0, detractor: 30 });
    expect(() => parseRiskWeights('bogus=1')).toThrow(/VERBATIM_RISK_WEIGHTS/);
    expect(parseRiskThresholds('10,20,30')).toEqual({ medium: 10, high: 20, critical: 30 });
    expect(() => parseRiskThresholds('50,20,30')).toThrow(/VERBATIM_RISK_THRESHOLDS/);
    const settings = { ...DEFAULT_RISK_SETTINGS, weights: parseRiskWeights('passive=0') };
    expect(scoreChurnRisk(base, settings).score).toBe(0);
  });
});

describe('routing', () => {
  const defaults = { ownerAttribute: 'account_manager', fallbackAssignee: 'unassigned', slaHours: 48, minRiskLevel: 'MEDIUM' as const };
  const rule = (over: Partial<RoutingRuleEntity>): RoutingRuleEntity => ({
    _id: 'r1',
    name: 'r1',
    enabled: true,
    position: 0,
    match: { categories: [], minRiskLevel: null, touchpoints: [], themes: [], attributes: [] },
    assign: { mode: 'ATTRIBUTE', attribute: 'account_manager', mapping: [], assignee: null },
    team: null,
    slaHours: 24,
    channels: ['SUBSCRIPTION'],
    task: 'RECOVERY_CALL',
    createdAt: new Date(),
    updatedAt: new Date(),
    ...over,
  });
  const facts = {
    category: 'DETRACTOR' as const,
    riskLevel: 'HIGH' as const,
    touchpoint: 'renewal',
    themeKeys: ['billing'],
    attributes: [{ key: 'region', value: 'EMEA' }],
  };

  it('with no rules, routes an at-risk detractor to account_manager, else the fallback queue', () => {
    expect(chooseRoute([], { ...facts, attributes: [{ key: 'account_manager', value: 'ana' }] }, defaults)).toMatchObject({
      ruleId: null,
      assignee: 'ana',
      slaHours: 48,
      task: 'RECOVERY_CALL',
    });
    expect(chooseRoute([], facts, defaults)).toMatchObject({ assignee: 'unassigned' });
    expect(chooseRoute([], { ...facts, category: 'PASSIVE' }, defaults)).toBeNull();
    expect(chooseRoute([], { ...facts, riskLevel: 'LOW' }, defaults)).toBeNull();
  });

  it('first enabled matching rule by position wins', () => {
    const rules = [
      rule({ _id: 'b', position: 2, assign: { mode: 'FIXED', attribute: null, mapping: [], assignee: 'team-b' } }),
      rule({ _id: 'a', position: 1, enabled: false, assign: { mode: 'FIXED', attribute: null, mapping: [], assignee: 'team-a' } }),
      rule({ _id: 'c', position: 0, match: { categories: ['PROMOTER'], minRiskLevel: null, touchpoints: [], themes: [], attributes: [] } }),
    ];
    expect(chooseRoute(rules, facts, defaults)).toMatchObject({ ruleId: 'b', assignee: 'team-b' });
  });

  it('matches on risk level, touchpoint, themes and attributes', () => {
    const m = (over: Partial<RoutingRuleEntity['match']>) =>
      rule({ match: { categories: [], minRiskLevel: null, touchpoints: [], themes: [], attributes: [], ...over } });
    expect(chooseRoute([m({ minRiskLevel: 'CRITICAL' })], facts, defaults)?.ruleId).toBeNull();
    expect(
      chooseRoute(
        [m({ touchpoints: ['renewal'], themes: ['billing', 'ux'], attributes: [{ key: 'region', values: ['EMEA', 'APAC'] }] })],
        facts,
        defaults,
      )?.ruleId,
    ).toBe('r1');
    expect(chooseRoute([m({ attributes: [{ key: 'region', values: ['US'] }] })], facts, defaults)?.ruleId).toBeNull();
  });

  it('resolves assignees by attribute, mapping or fixed name', () => {
    const attrs = [{ key: 'region', value: 'EMEA' }];
    expect(
      resolveAssignee(
        rule({ assign: { mode: 'MAPPING', attribute: 'region', mapping: [{ value: 'EMEA', assignee: 'sam' }], assignee: null } }),
        attrs,
        'q',
      ),
    ).toBe('sam');
    expect(
      resolveAssignee(
        rule({ assign: { mode: 'MAPPING', attribute: 'region', mapping: [{ value: 'US', assignee: 'jo' }], assignee: 'lead' } }),
        attrs,
        'q',
      ),
    ).toBe('lead');
    expect(
      resolveAssignee(rule({ assign: { mode: 'ATTRIBUTE', attribute: 'account_manager', mapping: [], assignee: null } }), attrs, 'q'),
    ).toBe('q');
    expect(resolveAssignee(rule({ assign: { mode: 'FIXED', attribute: null, mapping: [], assignee: 'care-team' } }), attrs, 'q')).toBe(
      'care-team',
    );
  });
});
