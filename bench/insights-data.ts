/**
 * Generated, already-analysed responses for the insights benchmark: a year of a fictional NPS
 * programme with touchpoints, segments and themes whose sentiment and frequency correlate with
 * the score. Deterministic for a seed.
 */
import { Types } from 'mongoose';
import { categoryOf, weightOf } from '../src/domain/nps.js';
import { periodKeys } from '../src/domain/periods.js';
import type { ResponseEntity, StoredThemeMatch } from '../models/response/response.entity.js';
import { prng } from '../src/domain/prng.js';

export const BENCH_THEMES: { key: string; label: string; phrase: string; bias: number }[] = [
  { key: 'billing', label: 'Billing', phrase: 'the invoice was wrong again', bias: -0.7 },
  { key: 'pricing', label: 'Pricing', phrase: 'the price is too high', bias: -0.5 },
  { key: 'customer_support', label: 'Customer support', phrase: 'support was quick and helpful', bias: 0.5 },
  { key: 'response_time', label: 'Response time', phrase: 'waited days for an answer', bias: -0.6 },
  { key: 'ease_of_use', label: 'Ease of use', phrase: 'really easy to use', bias: 0.7 },
  { key: 'reliability', label: 'Reliability', phrase: 'the app keeps crashing', bias: -0.6 },
  { key: 'performance', label: 'Performance', phrase: 'pages load slowly', bias: -0.3 },
  { key: 'missing_features', label: 'Missing features', phrase: 'please add an export', bias: -0.2 },
  { key: 'onboarding', label: 'Onboarding', phrase: 'onboarding was smooth', bias: 0.4 },
  { key: 'documentation', label: 'Documentation', phrase: 'the docs are outdated', bias: -0.2 },
  { key: 'integrations', label: 'Integrations', phrase: 'the Slack integration is great', bias: 0.3 },
  { key: 'mobile_app', label: 'Mobile app', phrase: 'the mobile app is clunky', bias: -0.3 },
  { key: 'product_quality', label: 'Product quality', phrase: 'a great product overall', bias: 0.8 },
  { key: 'account_management', label: 'Account management', phrase: 'my account manager is fantastic', bias: 0.6 },
  { key: 'security_privacy', label: 'Security & privacy', phrase: 'worried about data privacy', bias: -0.2 },
];
export const BENCH_TOUCHPOINTS = ['onboarding_done', 'support_closed', 'renewal', 'quarterly_relationship', 'checkout'];
export const BENCH_ATTRIBUTES: Record<string, string[]> = {
  region: ['north_america', 'emea', 'apac', 'latam'],
  plan: ['starter', 'pro', 'enterprise'],
  account_manager: ['alice', 'bob', 'chen', 'dana', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'june', 'kofi', 'lena'],
  acquisition_channel: ['organic', 'paid', 'partner', 'outbound'],
};

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];

export function generateResponses(
  count: number,
  { seed = 42, end = new Date(), days = 365 } = {},
): Omit<ResponseEntity, 'createdAt' | 'updatedAt'>[] {
  const rand = prng(seed);
  const endMs = end.getTime();
  const docs: Omit<ResponseEntity, 'createdAt' | 'updatedAt'>[] = [];
  for (let i = 0; i < count; i++) {
    const respondedAt = new Date(endMs - Math.floor(rand() * days * 86_400_000));
    const attributes = Object.entries(BENCH_ATTRIBUTES).map(([key, values]) => ({ key, value: pick(rand, values) }));
    // 0–3 themes; the score leans the way the themes lean.
    const themeCount = rand() < 0.15 ? 0 : rand() < 0.6 ? 1 : rand() < 0.8 ? 2 : 3;
    const chosen = new Map<string, (typeof BENCH_THEMES)[number]>();
    while (chosen.size < themeCount) {
      const t = pick(rand, BENCH_THEMES);
      chosen.set(t.key, t);
    }
    const lean = [...chosen.values()].reduce((sum, t) => sum + t.bias, 0);
    const score = Math.max(0, Math.min(10, Math.round(7 + lean * 2.5 + (rand() - 0.5) * 5)));
    const category = categoryOf(score);
    let comment = '';
    const themes: StoredThemeMatch[] = [];
    for (const t of chosen.values()) {
      if (comment) comment += ' and ';
      const start = comment.length;
      comment += t.phrase;
      const label = t.bias >= 0 === score >= 7 ? (t.bias >= 0 ? 'positive' : 'negative') : 'neutral';
      themes.push({
        key: t.key,
        label: t.label,
        confidence: Math.round((0.5 + rand() * 0.5) * 100) / 100,
        sentiment: { label, score: label === 'positive' ? 0.6 : label === 'negative' ? -0.6 : 0, confidence: 0.8 },
        evidence: [{ start, end: comment.length, text: t.phrase }],
      });
    }
    const id = new Types.ObjectId();
    docs.push({
      _id: id,
      externalId: `bench-${seed}-${i}`,
      score,
      comment: comment ? comment.charAt(0).toUpperCase() + comment.slice(1) + '.' : null,
      category,
      npsWeight: weightOf(category),
      respondedAt,
      receivedAt: respondedAt,
      period: periodKeys(respondedAt),
      touchpoint: pick(rand, BENCH_TOUCHPOINTS),
      channel: pick(rand, ['email', 'in_app', 'sms']),
      attributes,
      attributeTags: attributes.map((a) => `${a.key}=${a.value}`),
      customerExternalId: `cust-${Math.floor(rand() * count * 0.4)}`,
      analysisStatus: 'DONE',
      analysisRevision: 0,
      analysis: {
        engine: 'bench@1',
        taxonomyVersion: 1,
        language: { code: 'eng', supported: true },
        truncated: false,
        sentiment: { label: score >= 9 ? 'positive' : score <= 6 ? 'negative' : 'neutral', score: (score - 5) / 5, confidence: 0.7 },
        themes,
        keyPhrases: [...chosen.values()].map((t) => t.phrase.split(' ').slice(-2).join(' ')),
        churnSignals: [],
        churnRisk: null,
        analyzedAt: new Date(respondedAt.getTime() + 5_000),
      },
      themeKeys: themes.map((t) => t.key),
      analysisError: null,
      analysisAttempts: 1,
      requestId: null,
    });
  }
  return docs;
}

/** The URI with its database replaced (multi-host URIs included): benches use a fresh database on the server they are given. */
export function withDatabase(uri: string, dbName: string): string {
  const [base, query] = uri.split('?', 2) as [string, string | undefined];
  const hostsEnd = base.indexOf('/', base.indexOf('://') + 3);
  return `${hostsEnd === -1 ? base : base.slice(0, hostsEnd)}/${dbName}${query ? `?${query}` : ''}`;
}
