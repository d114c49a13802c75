/**
 * Explainable churn risk: pure scoring rules, no I/O. Every point added to the score comes with
 * a reason in plain words, so a risk flag can always be read back ("why is this customer red?").
 */
import type { NpsCategory } from '../../domain/nps.js';

export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export const RISK_LEVELS: readonly RiskLevel[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export interface RiskWeights {
  /** Points for a detractor score of 6; each point below 6 adds `detractorPerPoint`. */
  detractor: number;
  detractorPerPoint: number;
  passive: number;
  /** Points at full-strength negative sentiment (scaled by |polarity|). */
  negativeSentiment: number;
  /** Points for the first churn-intent signal; each further distinct signal adds `churnSignalExtra`. */
  churnSignal: number;
  churnSignalExtra: number;
  /** Points when the category dropped since the customer's previous response (one step). */
  slipping: number;
  /** Extra points when it dropped two steps (promoter → detractor). */
  slippingTwoSteps: number;
  /** Points per negative theme the customer already complained about in recent responses. */
  repeatedTheme: number;
  repeatedThemeMax: number;
  /** Points when the account value is at least `highValueAccount`. */
  highValue: number;
}

export interface RiskSettings {
  weights: RiskWeights;
  /** Lowest score of MEDIUM, HIGH and CRITICAL. */
  thresholds: { medium: number; high: number; critical: number };
  /** Account value from which the `highValue` points apply. */
  highValueAccount: number;
}

const DEFAULT_RISK_WEIGHTS: RiskWeights = {
  detractor: 30,
  detractorPerPoint: 2,
  passive: 8,
  negativeSentiment: 20,
  churnSignal: 30,
  churnSignalExtra: 5,
  slipping: 15,
  slippingTwoSteps: 5,
  repeatedTheme: 10,
  repeatedThemeMax: 20,
  highValue: 10,
};

export const DEFAULT_RISK_SETTINGS: RiskSettings = {
  weights: DEFAULT_RISK_WEIGHTS,
  thresholds: { medium: 25, high: 50, critical: 75 },
  highValueAccount: 50_000,
};

export interface RiskInput {
  score: number;
  category: NpsCategory;
  /** Overall sentiment of the verbatim (label and polarity −1…1), when analysed. */
  sentiment: { label: string; score: number } | null;
  /** Churn-intent signal types from the engine (cancel, switch, not_renewing …). */
  churnSignals: string[];
  /** Theme keys this verbatim is negative about. */
  negativeThemes: { key: string; label: string }[];
  /** The customer's previous response (by respondedAt), when there is one. */
  previous: { score: number; category: NpsCategory } | null;
  /** Negative theme keys of the customer's recent earlier responses (one set per response). */
  recentNegativeThemes: string[][];
  accountValue: number | null;
}

export interface ChurnRiskResult {
  score: number;
  level: RiskLevel;
  reasons: string[];
}

const RANK: Record<NpsCategory, number> = { PROMOTER: 2, PASSIVE: 1, DETRACTOR: 0 };

const SIGNAL_WORDS: Record<string, string> = {
  cancel: 'wants to cancel',
  switch: 'talks about switching to another provider',
  not_renewing: 'says they will not renew',
  refund: 'asks for a refund',
  alternatives: 'is looking at alternatives',
  downgrade: 'wants to downgrade',
};

export function levelOf(score: number, thresholds: RiskSettings['thresholds']): RiskLevel {
  if (score >= thresholds.critical) return 'CRITICAL';
  if (score >= thresholds.high) return 'HIGH';
  if (score >= thresholds.medium) return 'MEDIUM';
  return 'LOW';
}

export function levelAtLeast(level: RiskLevel, min: RiskLevel): boolean {
  return RISK_LEVELS.indexOf(level) >= RISK_LEVELS.indexOf(min);
}

export function scoreChurnRisk(input: RiskInput, settings: RiskSettings = DEFAULT_RISK_SETTINGS): ChurnRiskResult {
  const w = settings.weights;
  const parts: { points: number; reason: string }[] = [];
  const add = (points: number, reason: string) => {
    if (points > 0) parts.push({ points, reason });
  };

  if (input.category === 'DETRACTOR')
    add(w.detractor + w.detractorPerPoint * Math.max(0, 6 - input.score), `Detractor score (${input.score}/10)`);
  else if (input.category === 'PASSIVE') add(w.passive, `Passive score (${input.score}/10)`);

  if (input.sentiment?.label === 'negative') {
    const strength = Math.min(1, Math.abs(input.sentiment.score));
    add(
      Math.round(w.negativeSentiment * strength),
      `${strength >= 0.6 ? 'Strongly negative' : 'Negative'} verbatim (sentiment ${input.sentiment.score.toFixed(2)})`,
    );
  }

  const signals = [...new Set(input.churnSignals)];
  if (signals.length > 0) {
    const words = signals.map((s) => SIGNAL_WORDS[s] ?? `churn signal "${s}"`);
    add(w.churnSignal + w.churnSignalExtra * (signals.length - 1), `Churn intent: customer ${words.join(', ')}`);
  }

  if (input.previous) {
    const drop = RANK[input.previous.category] - RANK[input.category];
    if (drop > 0) {
      add(
        w.slipping + (drop > 1 ? w.slippingTwoSteps : 0),
        `Score slipping: ${input.previous.score} → ${input.score} (${input.previous.category.toLowerCase()} → ${input.category.toLowerCase()})`,
      );
    }
  }

  const repeated = input.negativeThemes.filter((t) => input.recentNegativeThemes.some((earlier) => earlier.includes(t.key)));
  if (repeated.length > 0) {
    add(
      Math.min(w.repeatedThemeMax, w.repeatedTheme * repeated.length),
      `Repeated complaint about ${repeated.map((t) => t.label).join(', ')} (also in earlier responses)`,
    );
  }

  if (input.accountValue != null && input.accountValue >= settings.highValueAccount) {
    add(w.highValue, `High-value account (${input.accountValue})`);
  }

  const score = Math.min(100, Math.max(0, Math.round(parts.reduce((sum, p) => sum + p.points, 0))));
  // Biggest contributions first: the top reason is the one to read.
  const reasons = parts.sort((a, b) => b.points - a.points).map((p) => p.reason);
  return { score, level: levelOf(score, settings.thresholds), reasons };
}
