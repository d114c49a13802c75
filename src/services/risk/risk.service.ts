/**
 * Gathers what the risk rules need for a batch of analysed responses (each customer's previous
 * responses, account value) and scores them. The scores are stored when the batch's effects
 * complete (AnalysisService: on the response with its effects marker, and on the customer with the
 * latest sentiment). Idempotent: the same response scores the same.
 *
 * "Previous response" under scopes: only earlier responses that carry every attribute pair of this
 * one count (slipping, repeated complaints). Every scope that lets a reader see this response (and
 * so its risk reasons, alert and webhook payloads) then lets them see those earlier responses too,
 * so a reason never prints a score or theme from outside the reader's scope.
 */
import type { Types } from 'mongoose';
import type { CustomerEntity } from '../../../models/customer/customer.entity.js';
import type { CustomerRepository } from '../../../models/customer/customer.repository.js';
import type { ResponseEntity } from '../../../models/response/response.entity.js';
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
      customers: CustomerRepository;
      settings: RiskSettings;
    },
  ) {}

  /**
   * Scores a batch (reads only): one read of the batch's customers and one of their earlier
   * responses, then every score in memory. Also tells each response's previous comparable score
   * (the one the "Score slipping" reason compares with, same scope semantics): routing spots
   * slipping promoters with it.
   */
  async scoreBatch(responses: readonly ResponseEntity[]): Promise<{ risk: ChurnRiskResult; previousScore: number | null }[]> {
    const customers = new Map(
      (await this.deps.customers.findByExternalIds(responses.flatMap((r) => (r.customerExternalId ? [r.customerExternalId] : [])))).map(
        (c) => [c.externalId, c],
      ),
    );
    const customerOf = (r: ResponseEntity) => (r.customerExternalId ? customers.get(r.customerExternalId) : undefined) ?? null;
    const earlierIds = responses.map((r) => earlierResponseIds(r, customerOf(r)));
    const wanted = [...new Set(earlierIds.flat().map((id) => id.toHexString()))];
    const earlierById = new Map((await this.deps.responses.findByIds(wanted)).map((r) => [r._id.toHexString(), r]));
    return responses.map((response, i) => {
      const earlier = earlierIds[i].flatMap((id) => earlierById.get(id.toHexString()) ?? []);
      const input = riskInput(response, customerOf(response), earlier);
      return { risk: scoreChurnRisk(input, this.deps.settings), previousScore: input.previous?.score ?? null };
    });
  }
}

/** The customer's newest earlier responses (ids, from the score history), at most EARLIER_READ. */
function earlierResponseIds(response: ResponseEntity, customer: CustomerEntity | null): Types.ObjectId[] {
  return (customer?.scoreHistory ?? [])
    .filter((p) => !p.responseId.equals(response._id) && p.respondedAt.getTime() <= response.respondedAt.getTime())
    .sort((a, b) => b.respondedAt.getTime() - a.respondedAt.getTime())
    .slice(0, EARLIER_READ)
    .map((p) => p.responseId);
}

/** What the risk rules need, from the response, its customer and the earlier responses read. */
function riskInput(response: ResponseEntity, customer: CustomerEntity | null, earlierRead: readonly ResponseEntity[]): RiskInput {
  const earlier = earlierRead
    .filter((r) => comparable(response, r))
    .sort((a, b) => b.respondedAt.getTime() - a.respondedAt.getTime() || (a._id.toHexString() < b._id.toHexString() ? 1 : -1))
    .slice(0, RECENT_RESPONSES);
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
