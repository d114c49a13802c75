/**
 * Gathers what the risk rules need for one analysed response (the customer's previous responses,
 * account value), scores it, and stores the result on the response and — when it is the
 * customer's latest — on the customer. Idempotent: the same response scores the same.
 *
 * "Previous response" under scopes: only earlier responses that carry every attribute pair of this
 * one count (slipping, repeated complaints). Every scope that lets a reader see this response (and
 * so its risk reasons, alert and webhook payloads) then lets them see those earlier responses too,
 * so a reason never prints a score or theme from outside the reader's scope.
 */
import type { CustomerRepository } from '../../../models/customer/customer.repository.js';
import type { ResponseEntity } from '../../../models/response/response.entity.js';
import type { ResponseAnalysisRepository } from '../../../models/response/response-analysis.repository.js';
import type { ResponseRepository } from '../../../models/response/response.repository.js';
import { scoreChurnRisk, type ChurnRiskResult, type RiskInput, type RiskSettings } from './churn-risk.js';
import { categoryOf } from '../../domain/nps.js';
import { inScope } from '../auth/scope.js';

/** Earlier comparable responses read for repeated complaints. */
const RECENT_RESPONSES = 5;
/** Newest earlier responses of the customer read (one query) to find the comparable ones. */
const EARLIER_READ = 20;

/**
 * Whether an earlier response may be compared with this one: it carries every attribute pair of
 * this one, i.e. it passes every scope this response passes (the scope check, with this
 * response's attributes as the scope).
 */
function comparable(response: Pick<ResponseEntity, 'attributes'>, earlier: Pick<ResponseEntity, 'attributes'>): boolean {
  return inScope(earlier.attributes, response.attributes);
}

/** Themes a response complains about: negative aspect sentiment, or any theme of a detractor. */
function complaintThemes(response: Pick<ResponseEntity, 'category' | 'analysis'>): { key: string; label: string }[] {
  const themes = response.analysis?.themes ?? [];
  return themes
    .filter((t) => t.sentiment.label === 'negative' || response.category === 'DETRACTOR')
    .map((t) => ({ key: t.key, label: t.label }));
}

export class ChurnRiskService {
  constructor(
    private readonly deps: {
      responses: ResponseRepository;
      analysisState: ResponseAnalysisRepository;
      customers: CustomerRepository;
      settings: RiskSettings;
      now?: () => Date;
    },
  ) {}

  async inputFor(response: ResponseEntity): Promise<RiskInput> {
    const customer = response.customerExternalId ? await this.deps.customers.findByExternalId(response.customerExternalId) : null;
    const earlierIds = (customer?.scoreHistory ?? [])
      .filter((p) => !p.responseId.equals(response._id) && p.respondedAt.getTime() <= response.respondedAt.getTime())
      .sort((a, b) => b.respondedAt.getTime() - a.respondedAt.getTime())
      .slice(0, EARLIER_READ)
      .map((p) => p.responseId);
    const earlier = earlierIds.length
      ? (await this.deps.responses.findByIds(earlierIds))
          .filter((r) => comparable(response, r))
          .sort((a, b) => b.respondedAt.getTime() - a.respondedAt.getTime() || (a._id.toHexString() < b._id.toHexString() ? 1 : -1))
          .slice(0, RECENT_RESPONSES)
      : [];
    // Earlier responses matter for repeated complaints only when this one makes a complaint.
    const complaints = complaintThemes(response);
    const recent = complaints.length ? earlier : [];
    const previous = earlier[0];
    return {
      score: response.score,
      category: response.category,
      sentiment: response.analysis ? { label: response.analysis.sentiment.label, score: response.analysis.sentiment.score } : null,
      churnSignals: (response.analysis?.churnSignals ?? []).map((s) => s.type),
      negativeThemes: complaints,
      previous: previous ? { score: previous.score, category: categoryOf(previous.score) } : null,
      recentNegativeThemes: recent.map((r) => complaintThemes(r).map((t) => t.key)),
      accountValue: customer?.accountValue ?? null,
    };
  }

  /** Scores the response (reads only). */
  async score(response: ResponseEntity): Promise<ChurnRiskResult> {
    return (await this.scoreWithPrevious(response)).risk;
  }

  /**
   * Scores the response and tells the score of the previous comparable response (the one the
   * "Score slipping" reason compares with, same scope semantics): routing spots slipping promoters with it.
   */
  async scoreWithPrevious(response: ResponseEntity): Promise<{ risk: ChurnRiskResult; previousScore: number | null }> {
    const input = await this.inputFor(response);
    return { risk: scoreChurnRisk(input, this.deps.settings), previousScore: input.previous?.score ?? null };
  }

  /** Stores the risk on the response and, when it is their latest, on the customer (both writes at once). */
  async store(response: ResponseEntity, risk: ChurnRiskResult): Promise<void> {
    await Promise.all([
      this.deps.analysisState.setChurnRisk(response._id, response.analysisRevision, risk),
      response.customerExternalId
        ? this.deps.customers.setChurnRisk(response.customerExternalId, {
            ...risk,
            responseId: response._id,
            computedAt: this.deps.now?.() ?? new Date(),
          })
        : null,
    ]);
  }

  /** Scores the response and stores the risk; returns it. */
  async assess(response: ResponseEntity): Promise<ChurnRiskResult> {
    const risk = await this.score(response);
    await this.store(response, risk);
    return risk;
  }
}
