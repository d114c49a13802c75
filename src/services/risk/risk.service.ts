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
import type { EarlierResponse, ResponseRepository } from '../../../models/response/response.repository.js';
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
function comparable(response: Pick<ResponseEntity, 'attributes'>, earlier: Pick<EarlierResponse, 'attributes'>): boolean {
  return inScope(earlier.attributes, response.attributes);
}

/** Themes a response complains about: negative aspect sentiment, or any theme of a detractor. */
function complaintThemes(response: Pick<EarlierResponse, 'category' | 'analysis'>): { key: string; label: string }[] {
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
   * Scores a batch (reads only): one read of the batch's customers, then their earlier responses
   * newest first, as few as decide (below), then every score in memory. Also tells each response's
   * previous comparable score (the one the "Score slipping" reason compares with, same scope
   * semantics; routing spots slipping promoters with it) and whether it was its customer's latest
   * response when read (the customer's latest outcomes are written only for those).
   */
  async scoreBatch(
    responses: readonly ResponseEntity[],
  ): Promise<{ risk: ChurnRiskResult; previousScore: number | null; customerLatest: boolean }[]> {
    const customers = new Map(
      (await this.deps.customers.findByExternalIds(responses.flatMap((r) => (r.customerExternalId ? [r.customerExternalId] : [])))).map(
        (c) => [c.externalId, c],
      ),
    );
    const customerOf = (r: ResponseEntity) => (r.customerExternalId ? customers.get(r.customerExternalId) : undefined) ?? null;
    const earlier = await this.earlierComparable(responses, customerOf);
    return responses.map((response, i) => {
      const customer = customerOf(response);
      const input = riskInput(response, customer, earlier[i]);
      return {
        risk: scoreChurnRisk(input, this.deps.settings),
        previousScore: input.previous?.score ?? null,
        customerLatest: customer?.latestResponseId?.equals(response._id) ?? false,
      };
    });
  }

  /**
   * Each response's earlier comparable responses, newest first, as many as its rules use (the
   * previous one; five when it complains). Read in two rounds: first as many of the newest earlier
   * responses as are needed, then, only for responses where some of those were not comparable,
   * the rest of their EARLIER_READ. Both walk the candidates in `newestFirst` order, so the outcome
   * equals reading all EARLIER_READ at once and keeping the newest comparable ones; most batches
   * need one round of few documents, and only the fields the rules read.
   */
  private async earlierComparable(
    responses: readonly ResponseEntity[],
    customerOf: (r: ResponseEntity) => CustomerEntity | null,
  ): Promise<EarlierResponse[][]> {
    const candidates = responses.map((r) => earlierResponseIds(r, customerOf(r)));
    const needed = responses.map((r) => (complaintThemes(r).length ? RECENT_RESPONSES : 1));
    const read = new Map<string, EarlierResponse>();
    const attempted = new Set<string>(); // asked for; absent from `read` when deleted meanwhile
    const fetch = async (ids: Types.ObjectId[]) => {
      const wanted = [...new Set(ids.map((id) => id.toHexString()))].filter((id) => !attempted.has(id));
      if (wanted.length === 0) return;
      for (const id of wanted) attempted.add(id);
      for (const r of await this.deps.responses.findEarlierByIds(wanted)) read.set(r._id.toHexString(), r);
    };
    // What the response's candidates read so far give; `complete` when nothing unread could change it.
    const walk = (i: number): { found: EarlierResponse[]; complete: boolean } => {
      const found: EarlierResponse[] = [];
      for (const id of candidates[i]) {
        if (found.length === needed[i]) break;
        if (!attempted.has(id.toHexString())) return { found, complete: false };
        const r = read.get(id.toHexString());
        if (r && comparable(responses[i], r)) found.push(r);
      }
      return { found, complete: true };
    };
    await fetch(candidates.flatMap((ids, i) => ids.slice(0, needed[i])));
    const unfinished = responses.map((_, i) => i).filter((i) => !walk(i).complete);
    if (unfinished.length) await fetch(unfinished.flatMap((i) => candidates[i]));
    return responses.map((_, i) => walk(i).found);
  }
}

/** Newest first; on equal times the greater id first (earlierComparable relies on one order for both). */
function newestFirst(a: { respondedAt: Date; id: Types.ObjectId }, b: { respondedAt: Date; id: Types.ObjectId }): number {
  return b.respondedAt.getTime() - a.respondedAt.getTime() || (a.id.toHexString() < b.id.toHexString() ? 1 : -1);
}

/** The customer's newest earlier responses (ids, from the score history), at most EARLIER_READ, in `newestFirst` order. */
function earlierResponseIds(response: ResponseEntity, customer: CustomerEntity | null): Types.ObjectId[] {
  return (customer?.scoreHistory ?? [])
    .filter((p) => !p.responseId.equals(response._id) && p.respondedAt.getTime() <= response.respondedAt.getTime())
    .map((p) => ({ respondedAt: p.respondedAt, id: p.responseId }))
    .sort(newestFirst)
    .slice(0, EARLIER_READ)
    .map((p) => p.id);
}

/** What the risk rules need, from the response, its customer and its earlier comparable responses (newest first). */
function riskInput(response: ResponseEntity, customer: CustomerEntity | null, earlier: readonly EarlierResponse[]): RiskInput {
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
