/**
 * The churn-risk rules compare a response with its customer's earlier *comparable* responses (same
 * attribute pairs). ChurnRiskService reads the newest few first and the rest of the customer's
 * recent history only when some of those were not comparable: the outcome must be what reading the
 * whole recent history gives. Real database, real repositories.
 */
import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { ChurnRiskService } from '../../src/services/risk/risk.service.js';
import { DEFAULT_RISK_SETTINGS } from '../../src/services/risk/churn-risk.js';
import { categoryOf, weightOf } from '../../src/domain/nps.js';
import { periodKeys } from '../../src/domain/periods.js';
import type { ResponseEntity, StoredAnalysis } from '../../models/response/response.entity.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase('churn-risk-earlier');
const DAY = 86_400_000;
const start = Date.UTC(2026, 5, 1);

function analysis(negativeTheme: string | null): StoredAnalysis {
  return {
    engine: 'lexical',
    taxonomyVersion: 1,
    language: { code: 'en', supported: true },
    truncated: false,
    sentiment: { label: negativeTheme ? 'negative' : 'positive', score: negativeTheme ? -0.7 : 0.6 },
    themes: negativeTheme
      ? [{ key: negativeTheme, label: negativeTheme.toUpperCase(), confidence: 0.9, sentiment: { label: 'negative', score: -0.7 } }]
      : [],
    keyPhrases: [],
    churnSignals: [],
    analyzedAt: new Date(start),
  } as unknown as StoredAnalysis;
}

function response(customer: string, day: number, score: number, region: string, negativeTheme: string | null): ResponseEntity {
  const respondedAt = new Date(start + day * DAY);
  const category = categoryOf(score);
  return {
    _id: new Types.ObjectId(),
    externalId: `${customer}-${day}`,
    score,
    comment: null,
    category,
    npsWeight: weightOf(category),
    respondedAt,
    receivedAt: respondedAt,
    period: periodKeys(respondedAt),
    touchpoint: null,
    channel: null,
    attributes: [{ key: 'region', value: region }],
    attributeTags: [`region=${region}`],
    customerExternalId: customer,
    analysisStatus: 'DONE',
    analysisRevision: 0,
    analysis: analysis(negativeTheme),
    themeKeys: negativeTheme ? [negativeTheme] : [],
    analysisError: null,
    analysisAttempts: 1,
    requestId: null,
    createdAt: respondedAt,
    updatedAt: respondedAt,
  };
}

/** Stores the responses and records them on their customers the way ingest does. */
async function store(responses: ResponseEntity[]): Promise<void> {
  await db().connection.collection('responses').insertMany(responses);
  await db().customers.recordResponses(
    responses.map((r) => ({
      profile: { externalId: r.customerExternalId!, attributes: r.attributes },
      response: { responseId: r._id, score: r.score, respondedAt: r.respondedAt },
    })),
  );
}

function service() {
  const reads: number[] = [];
  const responses = db().responses;
  const counted = Object.create(responses) as typeof responses;
  counted.findEarlierByIds = async (ids) => {
    reads.push(ids.length);
    return responses.findEarlierByIds(ids);
  };
  return { risk: new ChurnRiskService({ responses: counted, customers: db().customers, settings: DEFAULT_RISK_SETTINGS }), reads };
}

describe('churn risk from earlier comparable responses', () => {
  it('finds the previous and repeated complaints past newer responses of another scope, reading further only then', async () => {
    // c-skip: a Nevada promoter complaining about billing, then three newer Texas answers, then the
    // Nevada detractor being scored (also about billing).
    const oldNevada = response('c-skip', 0, 9, 'Nevada', 'billing');
    const texas = [1, 2, 3].map((day) => response('c-skip', day, 10, 'Texas', 'billing'));
    const scored = response('c-skip', 4, 3, 'Nevada', 'billing');
    // c-near: the newest earlier answer is comparable; a quiet promoter needs only the previous one.
    const nearOld = response('c-near', 0, 2, 'Nevada', 'support');
    const nearPrevious = response('c-near', 1, 9, 'Nevada', null);
    const nearScored = response('c-near', 2, 6, 'Nevada', null);
    await store([oldNevada, ...texas, scored, nearOld, nearPrevious, nearScored]);

    const { risk, reads } = service();
    const [skip, near, older] = await risk.scoreBatch([scored, nearScored, oldNevada]);

    expect(skip.previousScore).toBe(9);
    expect(skip.risk.reasons).toContain('Score slipping: 9 → 3 (promoter → detractor)');
    // Texas complained about billing too, but only the comparable Nevada answer counts.
    expect(skip.risk.reasons).toContain('Repeated complaint about BILLING (also in earlier responses)');
    expect(skip.customerLatest).toBe(true);
    expect(near.previousScore).toBe(9);
    expect(near.risk.reasons).toContain('Score slipping: 9 → 6 (promoter → detractor)');
    expect(near.customerLatest).toBe(true);
    expect(older).toMatchObject({ previousScore: null, customerLatest: false });

    // Round 1: c-skip's three Texas answers and its old Nevada one (five wanted, four exist) and
    // c-near's newest earlier one. Nothing unread could change an outcome: no second round.
    expect(reads).toEqual([5]);
  });

  it('reads the rest of the recent history only for a response whose newest earlier ones are not comparable', async () => {
    const old = response('c-far', 0, 10, 'Nevada', null);
    const newer = [1, 2, 3, 4, 5, 6].map((day) => response('c-far', day, 2, 'Texas', 'pricing'));
    const scored = response('c-far', 7, 7, 'Nevada', null);
    await store([old, ...newer, scored]);

    const { risk, reads } = service();
    const [result] = await risk.scoreBatch([scored]);
    expect(result.previousScore).toBe(10);
    expect(result.risk.reasons).toContain('Score slipping: 10 → 7 (promoter → passive)');
    // A quiet passive needs one previous answer: the newest (Texas) first, then the other six.
    expect(reads).toEqual([1, 6]);
  });
});
