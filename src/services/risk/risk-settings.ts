/** Risk settings from configuration strings (`key=value` lists), over the documented defaults. */
import { InputError } from '../../errors.js';
import { DEFAULT_RISK_SETTINGS, type RiskSettings, type RiskWeights } from './churn-risk.js';

/** `"detractor=30,churnSignal=35"` → weights with those two overridden. */
export function parseRiskWeights(spec: string | undefined, base: RiskWeights = DEFAULT_RISK_SETTINGS.weights): RiskWeights {
  const weights = { ...base };
  if (!spec) return weights;
  for (const pair of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, raw] = pair.split('=').map((s) => s.trim());
    const value = Number(raw);
    if (!key || !(key in weights) || !Number.isFinite(value) || value < 0) {
      throw new InputError([
        { field: 'VERBATIM_RISK_WEIGHTS', message: `bad entry "${pair}" (keys: ${Object.keys(base).join(', ')}; values ≥ 0)` },
      ]);
    }
    weights[key as keyof RiskWeights] = value;
  }
  return weights;
}

/** `"25,50,75"` → lowest scores of MEDIUM, HIGH, CRITICAL. */
export function parseRiskThresholds(spec: string | undefined): RiskSettings['thresholds'] {
  if (!spec) return { ...DEFAULT_RISK_SETTINGS.thresholds };
  const [medium, high, critical] = spec.split(',').map((s) => Number(s.trim()));
  if (![medium, high, critical].every((n) => Number.isFinite(n)) || !(0 < medium && medium < high && high < critical && critical <= 100)) {
    throw new InputError([{ field: 'VERBATIM_RISK_THRESHOLDS', message: 'expected three increasing numbers in 1…100, e.g. 25,50,75' }]);
  }
  return { medium: medium, high: high, critical: critical };
}

export function riskSettingsFrom(config: {
  VERBATIM_RISK_WEIGHTS?: string;
  VERBATIM_RISK_THRESHOLDS?: string;
  VERBATIM_RISK_HIGH_VALUE_ACCOUNT?: number;
}): RiskSettings {
  return {
    weights: parseRiskWeights(config.VERBATIM_RISK_WEIGHTS),
    thresholds: parseRiskThresholds(config.VERBATIM_RISK_THRESHOLDS),
    highValueAccount: config.VERBATIM_RISK_HIGH_VALUE_ACCOUNT ?? DEFAULT_RISK_SETTINGS.highValueAccount,
  };
}
