/**
 * Analyses responses, each for one analysis revision, in batches: reload, analyse with the
 * taxonomy in force and score the churn risk, record the effects the batch will owe, store the
 * analyses conditionally, run the after-analysis hooks and store the customers' latest outcomes,
 * then close the owed effects. Idempotent: a response already analysed at this revision is not
 * analysed again, and a job for an older revision is skipped. Failures throw, so the queue
 * retries; input that can never succeed throws PermanentAnalysisError.
 */
import { mapLimit } from '../insights/concurrency.js';
import { Types } from 'mongoose';
import type { AnalysisResult } from '../../analysis/index.js';
import type { Logger } from '../../logger.js';
import type { CustomerRepository } from '../../../models/customer/customer.repository.js';
import type { ResponseEntity, StoredAnalysis } from '../../../models/response/response.entity.js';
import type { AnalysisRef, ResponseAnalysisRepository } from '../../../models/response/response-analysis.repository.js';
import type { OpenEffectsRepository } from '../../../models/response/open-effects.repository.js';
import type { ResponseRepository } from '../../../models/response/response.repository.js';
import type { AfterAnalysisHook } from './after-analysis.js';
import type { CurrentTaxonomy } from './current-taxonomy.js';
import type { ChurnRiskService } from '../risk/risk.service.js';
import { applyCorrection } from '../corrections/apply-correction.js';
import { applyAdapter, type AdapterData } from '../../analysis/adapter/adapter.js';

/** Retrying cannot help (unknown response, malformed job): the queue should give up at once. */
export class PermanentAnalysisError extends Error {
  override name = 'PermanentAnalysisError';
}

export interface AnalysisRequest {
  responseId: string;
  revision: number;
  /** The job ran before (a retry, or its worker died): effects of a stored analysis are re-run. */
  redelivered: boolean;
}

export type AnalysisOutcome =
  /** Analysed and stored now. */
  | { status: 'analyzed'; themeKeys: string[]; taxonomyVersion: number }
  /** Stored by an earlier run of this job; its effects were re-run if the job was redelivered. */
  | { status: 'already-analyzed' }
  /** The response moved to a newer revision: that revision's job will analyse it. */
  | { status: 'superseded'; currentRevision: number };

/** One request's result in a batch: its outcome, or the error its job fails with. */
export type BatchResult = { ok: true; outcome: AnalysisOutcome } | { ok: false; error: Error };

const failed = (error: Error): BatchResult => ({ ok: false, error });

/** Responses whose effects the reconciler's repair retries alone at once, after the batch failed. */
const RESUME_ALONE_CONCURRENCY = 4;

/** A response whose effects are due in this batch, with the request it answers. */
interface Effect {
  index: number;
  response: ResponseEntity;
  previous: { analysis: StoredAnalysis | null; themeKeys: string[] } | null;
  redelivered: boolean;
  /** Whether the response was its customer's latest when the batch scored it (unknown when not scored in this run). */
  customerLatest?: boolean;
}

export class AnalysisService {
  constructor(
    private readonly deps: {
      responses: ResponseRepository;
      analysisState: ResponseAnalysisRepository;
      openEffects: OpenEffectsRepository;
      customers: CustomerRepository;
      /** Scores each analysis's churn risk before it is stored, so the analysis write carries it. */
      risk: Pick<ChurnRiskService, 'scoreBatch'>;
      taxonomy: CurrentTaxonomy;
      /** The adapter learned from corrections (none: the engine's result as is). */
      adapter?: { current(): Promise<AdapterData | null> };
      hooks: AfterAnalysisHook[];
      log: Logger;
      now?: () => Date;
    },
  ) {}

  /** One response: a batch of one (what the reconciler's tests and a sandboxed processor run). */
  async analyzeResponse(request: AnalysisRequest): Promise<AnalysisOutcome> {
    const [result] = await this.analyzeBatch([request]);
    if (!result.ok) throw result.error;
    return result.outcome;
  }

  /**
   * Analyses a batch of requests with database work done once for all of them: one read of the
   * responses (`_id: {$in}`), analysis in memory, the churn risks scored (one read of customers and
   * earlier responses), one insert recording the effects owed, one conditional bulk write of the
   * analyses, then every after-analysis hook and the customers' latest outcomes once for the
   * batch, and one delete closing the owed effects. Returns one result per request, in order. When
   * an effect fails for the batch, each response's effects are run again alone; only the requests
   * whose effects fail again fail (their analyses stored, their effects still recorded as owed:
   * the job's retries or the reconciler re-run the idempotent effects). Requests settled without
   * analysis (superseded, malformed) keep their results.
   */
  async analyzeBatch(requests: readonly AnalysisRequest[], rereadUnwritten = true): Promise<BatchResult[]> {
    const results: (BatchResult | undefined)[] = requests.map((r) =>
      Types.ObjectId.isValid(r.responseId) && Number.isInteger(r.revision) && r.revision >= 0
        ? undefined
        : failed(new PermanentAnalysisError(`malformed analysis job: response ${r.responseId}, revision ${r.revision}`)),
    );
    const read = await this.deps.responses.findByIds(requests.filter((_, i) => !results[i]).map((r) => r.responseId));
    const byId = new Map(read.map((r) => [r._id.toHexString(), r]));

    const effects: Effect[] = [];
    let owed: { id: string; refs: AnalysisRef[] } | null = null;
    const toAnalyse: { index: number; response: ResponseEntity }[] = [];
    const claimed = new Set<string>();
    const later: number[] = []; // a response twice in one batch (two revisions): the second after this batch
    requests.forEach((request, index) => {
      if (results[index]) return;
      const response = byId.get(request.responseId);
      if (!response) return (results[index] = failed(new PermanentAnalysisError(`response ${request.responseId} does not exist`)));
      if (claimed.has(request.responseId)) return later.push(index);
      claimed.add(request.responseId);
      const settled = this.settledWithoutAnalysis(request, response);
      if (settled) {
        results[index] = settled.result;
        if (settled.effects) effects.push({ index, response, previous: null, redelivered: true });
        return;
      }
      toAnalyse.push({ index, response });
    });

    const again: number[] = [];
    if (toAnalyse.length) {
      const { version, analyzer } = await this.deps.taxonomy.get();
      const adapter = (await this.deps.adapter?.current()) ?? null;
      const at = this.now();
      const analysed: {
        index: number;
        response: ResponseEntity;
        analysis: StoredAnalysis;
        themeKeys: string[];
        customerLatest?: boolean;
      }[] = [];
      // One call for the batch: the transformer engine embeds its texts in shared model runs.
      const comments = toAnalyse.map(({ response }) => response.comment ?? '');
      const engineResults = await analyzer.analyzeBatch(comments);
      for (const [i, { index, response }] of toAnalyse.entries()) {
        const comment = comments[i];
        const result = applyAdapter(engineResults[i], comment, adapter);
        // A person's correction wins over every re-analysis (taxonomy or adapter backfills).
        const labels = new Map(result.themes.map((t) => [t.key, t.label]));
        for (const t of response.analysis?.themes ?? []) if (!labels.has(t.key)) labels.set(t.key, t.label);
        const analysis = applyCorrection(toStoredAnalysis(result, version, at), response.correction, labels);
        analysed.push({ index, response, analysis, themeKeys: [...new Set(analysis.themes.map((t) => t.key))] });
      }
      // Scored before the write so the one write of each response carries its risk.
      const scored = await this.deps.risk.scoreBatch(
        analysed.map(({ response, analysis, themeKeys }) => ({ ...response, analysis, themeKeys })),
      );
      analysed.forEach((item, i) => {
        item.analysis = { ...item.analysis, churnRisk: { ...scored[i].risk, previousScore: scored[i].previousScore } };
        item.customerLatest = scored[i].customerLatest;
      });
      // Recorded before the writes: a crash after them leaves the effects owed, and the reconciler runs them.
      const refs = analysed.map(({ response }) => ({ _id: response._id, analysisRevision: response.analysisRevision }));
      owed = { id: await this.deps.openEffects.open(refs, at), refs };
      const written = await this.deps.analysisState.writeAnalyses(
        analysed.map(({ response, analysis, themeKeys }) => ({
          id: response._id,
          revision: response.analysisRevision,
          analysis,
          themeKeys,
          correctedAt: response.correction?.at ?? null,
        })),
        at,
      );
      for (const { index, response, analysis, themeKeys, customerLatest } of analysed) {
        // Not written: someone else got there first (a newer revision, a concurrent run, a correction).
        if (!written.has(response._id.toHexString())) {
          if (rereadUnwritten) again.push(index);
          else
            results[index] = failed(
              new Error(`analysis of response ${response._id.toHexString()} at revision ${response.analysisRevision} was not stored`),
            );
          continue;
        }
        const stored: ResponseEntity = {
          ...response,
          analysis,
          themeKeys,
          analysisStatus: 'DONE',
          analysisError: null,
          analysisAttempts: response.analysisAttempts + 1,
          analysisBackfillVersion: null,
        };
        effects.push({
          index,
          response: stored,
          previous: { analysis: response.analysis, themeKeys: response.themeKeys },
          redelivered: requests[index].redelivered,
          customerLatest,
        });
        results[index] = { ok: true, outcome: { status: 'analyzed', themeKeys, taxonomyVersion: version } };
      }
    }

    if (effects.length) {
      try {
        await this.completeEffects(effects);
      } catch (err) {
        if (effects.length === 1) results[effects[0].index] = failed(err as Error);
        // One response's failing effect must not fail the rest: each is retried alone, at once
        // (in parallel: a database outage costs one timeout, not one per response). Effects are
        // idempotent, so what the batch run completed is completed again, not counted twice.
        else
          await Promise.all(
            effects.map((effect) => this.completeEffects([effect]).catch((error: Error) => void (results[effect.index] = failed(error)))),
          );
      }
    }
    await this.closeOwed(owed, effects, results);
    // Rare: re-read and decided one by one (superseded, stored by another run, or corrected meanwhile: analysed again).
    for (const index of again) [results[index]] = await this.analyzeBatch([requests[index]], false);
    for (const index of later) [results[index]] = await this.analyzeBatch([requests[index]]);
    return results as BatchResult[];
  }

  /**
   * What a request resolves to without analysing: superseded, an impossible revision, or already
   * analysed (with its effects due when the job ran before or they never completed). Null: analyse it.
   */
  private settledWithoutAnalysis(request: AnalysisRequest, response: ResponseEntity): { result: BatchResult; effects: boolean } | null {
    if (response.analysisRevision > request.revision)
      return { result: { ok: true, outcome: { status: 'superseded', currentRevision: response.analysisRevision } }, effects: false };
    if (response.analysisRevision < request.revision) {
      const error = new PermanentAnalysisError(
        `response ${request.responseId} is at revision ${response.analysisRevision}, not ${request.revision}`,
      );
      return { result: failed(error), effects: false };
    }
    // Stored by an earlier run that died (or failed in an effect) before the job completed.
    if (response.analysisStatus === 'DONE')
      return {
        result: { ok: true, outcome: { status: 'already-analyzed' } },
        // Not redelivered: another run stored it, and either ran its effects or left them owed for the reconciler.
        effects: request.redelivered,
      };
    return null;
  }

  /**
   * The reconciler's repair: re-runs the effects of analysed responses whose effects never
   * completed (every retry of their job failed in an effect, or their worker died), with one read
   * and each effect once for all of them. When an effect fails, each response's effects are
   * retried alone (a few at once), so one failing response does not hold back the others. Idempotent,
   * like the effects themselves. Per response id: true (repaired), false (nothing, or nothing
   * left, to do) or the error it failed with again.
   */
  async resumeEffects(refs: readonly { responseId: string; revision: number }[]): Promise<Map<string, boolean | Error>> {
    const outcome = new Map<string, boolean | Error>(refs.map((ref) => [ref.responseId, false]));
    const stored = new Map((await this.deps.responses.findByIds(refs.map((r) => r.responseId))).map((r) => [r._id.toHexString(), r]));
    const seen = new Set<string>();
    const due: Effect[] = refs.flatMap((ref) => {
      const response = stored.get(ref.responseId);
      // Two open records may name one response (a redelivery opened a second): its effects run once.
      if (!response || response.analysisRevision !== ref.revision || response.analysisStatus !== 'DONE' || seen.has(ref.responseId))
        return [];
      seen.add(ref.responseId);
      return [{ index: 0, response, previous: null, redelivered: true }];
    });
    const id = (effect: Effect) => effect.response._id.toHexString();
    try {
      await this.completeEffects(due);
      for (const effect of due) outcome.set(id(effect), true);
    } catch {
      // A few at a time: a repair round may hold hundreds, and each takes customer and rollup locks.
      await mapLimit(due, RESUME_ALONE_CONCURRENCY, (effect) =>
        this.completeEffects([effect]).then(
          () => outcome.set(id(effect), true),
          (error: Error) => outcome.set(id(effect), error),
        ),
      );
    }
    return outcome;
  }

  /** Runs the effects of the batch, then stores each customer's latest sentiment and churn risk (one conditional update per customer). */
  private async completeEffects(effects: readonly Effect[]): Promise<void> {
    await this.runEffects(effects);
    const at = this.now();
    await this.deps.customers.setLatestOutcomes(
      effects.flatMap(({ response, customerLatest }) => {
        const { customerExternalId: externalId, analysis } = response;
        if (!externalId || !analysis || customerLatest === false) return [];
        const stored = analysis.churnRisk;
        const risk = stored
          ? { score: stored.score, level: stored.level, reasons: stored.reasons, responseId: response._id, computedAt: at }
          : null;
        return [{ externalId, responseId: response._id, sentiment: analysis.sentiment.label, risk, knownLatest: customerLatest === true }];
      }),
    );
  }

  /**
   * After the batch's effects: closes what this batch's write owed, keeping only the responses
   * whose effects failed, and releases redelivered responses whose effects just ran again from
   * whatever earlier batch still owed them. Not closing only costs a repeat of idempotent effects
   * by the reconciler, so a failure here is logged, never failed into the jobs.
   */
  private async closeOwed(
    owed: { id: string; refs: AnalysisRef[] } | null,
    effects: readonly Effect[],
    results: readonly (BatchResult | undefined)[],
  ): Promise<void> {
    const unfinished = new Set(effects.filter((e) => results[e.index]?.ok === false).map((e) => e.response._id.toHexString()));
    try {
      if (owed)
        await this.deps.openEffects.close(
          owed.id,
          owed.refs.filter((r) => unfinished.has(r._id.toHexString())),
        );
      const owedIds = new Set(owed?.refs.map((r) => r._id.toHexString()));
      const rerun = effects.filter(
        (e) => e.redelivered && !owedIds.has(e.response._id.toHexString()) && !unfinished.has(e.response._id.toHexString()),
      );
      await this.deps.openEffects.release(
        rerun.map(({ response }) => ({ _id: response._id, analysisRevision: response.analysisRevision })),
      );
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'owed effects not closed; the reconciler will run them once more');
    }
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** After the last attempt failed: marks the response FAILED with the reason (if still at that revision). */
  async giveUp(request: Pick<AnalysisRequest, 'responseId' | 'revision'>, reason: string): Promise<boolean> {
    if (!Types.ObjectId.isValid(request.responseId)) return false;
    const marked = await this.deps.analysisState.markFailed(new Types.ObjectId(request.responseId), request.revision, reason);
    if (!marked) return false;
    const response = await this.deps.responses.findById(request.responseId);
    if (!response) return true;
    for (const hook of this.deps.hooks) {
      if (!hook.failed) continue;
      try {
        await hook.failed({ response, reason });
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message, hook: hook.name, responseId: request.responseId }, 'after-failure hook failed');
      }
    }
    return true;
  }

  /** Every after-analysis hook, in order, each once for the batch. Idempotent. */
  private async runEffects(effects: readonly Effect[]): Promise<void> {
    const events = effects.map(({ response, previous, redelivered }) => ({ response, previous, redelivered }));
    for (const hook of this.deps.hooks) {
      try {
        await hook.analyzed(events);
      } catch (err) {
        const ids = events.slice(0, 3).map((e) => e.response._id.toHexString());
        throw new Error(
          `after-analysis hook "${hook.name}" failed for ${events.length === 1 ? `response ${ids[0]}` : `a batch of ${events.length} responses (${ids.join(', ')}, …)`}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
  }
}

/** The engine's result as a response stores it (bench:app seeds analysed responses with it too). */
export function toStoredAnalysis(result: AnalysisResult, taxonomyVersion: number, analyzedAt: Date): StoredAnalysis {
  return {
    engine: result.engine,
    taxonomyVersion,
    language: { code: result.language.code, supported: result.language.supported },
    truncated: result.truncated,
    sentiment: { ...result.sentiment },
    themes: result.themes.map((t) => ({
      key: t.key,
      label: t.label,
      confidence: t.confidence,
      sentiment: { ...t.sentiment },
      evidence: t.evidence.map((e) => ({ start: e.start, end: e.end, text: e.text })),
    })),
    keyPhrases: [...result.keyPhrases],
    churnSignals: result.churnSignals.map((s) => ({ type: s.type, evidence: { ...s.evidence } })),
    churnRisk: null,
    analyzedAt,
  };
}
