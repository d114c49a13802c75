/**
 * Analyses one response for one analysis revision: reload, analyse with the taxonomy in force,
 * store conditionally, update the customer, then run the after-analysis hooks. Idempotent: a
 * response already analysed at this revision is not analysed again, and a job for an older
 * revision is skipped. Failures throw, so the queue retries; input that can never succeed throws
 * PermanentAnalysisError.
 */
import { Types } from 'mongoose';
import type { AnalysisResult } from '../analysis/index.js';
import type { Logger } from '../logger.js';
import type { CustomerRepository } from '../../models/customer/customer.repository.js';
import type { ResponseEntity, StoredAnalysis } from '../../models/response/response.entity.js';
import type { ResponseAnalysisRepository } from '../../models/response/response-analysis.repository.js';
import type { ResponseRepository } from '../../models/response/response.repository.js';
import type { AfterAnalysisHook } from './after-analysis.js';
import type { CurrentTaxonomy } from './current-taxonomy.js';
import { applyCorrection } from './corrections/apply-correction.js';
import { applyAdapter, type AdapterData } from '../analysis/adapter/adapter.js';

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

export class AnalysisService {
  constructor(
    private readonly deps: {
      responses: ResponseRepository;
      analysisState: ResponseAnalysisRepository;
      customers: CustomerRepository;
      taxonomy: CurrentTaxonomy;
      /** The adapter learned from corrections (none: the engine's result as is). */
      adapter?: { current(): Promise<AdapterData | null> };
      hooks: AfterAnalysisHook[];
      log: Logger;
      now?: () => Date;
    },
  ) {}

  async analyzeResponse(request: AnalysisRequest): Promise<AnalysisOutcome> {
    if (!Types.ObjectId.isValid(request.responseId) || !Number.isInteger(request.revision) || request.revision < 0) {
      throw new PermanentAnalysisError(`malformed analysis job: response ${request.responseId}, revision ${request.revision}`);
    }
    const response = await this.deps.responses.findById(request.responseId);
    if (!response) throw new PermanentAnalysisError(`response ${request.responseId} does not exist`);
    if (response.analysisRevision > request.revision) return { status: 'superseded', currentRevision: response.analysisRevision };
    if (response.analysisRevision < request.revision) {
      throw new PermanentAnalysisError(
        `response ${request.responseId} is at revision ${response.analysisRevision}, not ${request.revision}`,
      );
    }
    if (response.analysisStatus === 'DONE') {
      // Stored by an earlier run that died (or failed in an effect) before the job completed.
      if (request.redelivered || response.effectsPendingSince) await this.completeEffects(response, null, true);
      return { status: 'already-analyzed' };
    }

    const { version, analyzer } = await this.deps.taxonomy.get();
    const result = applyAdapter(
      await analyzer.analyze(response.comment ?? ''),
      response.comment ?? '',
      (await this.deps.adapter?.current()) ?? null,
    );
    // A person's correction wins over every re-analysis (taxonomy or adapter backfills).
    const labels = new Map(result.themes.map((t) => [t.key, t.label]));
    for (const t of response.analysis?.themes ?? []) if (!labels.has(t.key)) labels.set(t.key, t.label);
    const analysis = applyCorrection(toStoredAnalysis(result, version, this.now()), response.correction, labels);
    const themeKeys = [...new Set(analysis.themes.map((t) => t.key))];

    const written = await this.deps.analysisState.writeAnalysis(
      response._id,
      request.revision,
      analysis,
      themeKeys,
      response.correction?.at ?? null,
      this.now(),
    );
    if (!written) {
      // Someone else got there first: a newer revision, or a concurrent run of this job.
      const now = await this.deps.responses.findById(request.responseId);
      if (now && now.analysisRevision > request.revision) return { status: 'superseded', currentRevision: now.analysisRevision };
      if (now && now.analysisStatus === 'DONE') {
        if (request.redelivered || now.effectsPendingSince) await this.completeEffects(now, null, true);
        return { status: 'already-analyzed' };
      }
      // Corrected while this run analysed: analyse again with the correction.
      if (now && now.analysisRevision === request.revision && now.correction?.at?.getTime() !== response.correction?.at?.getTime())
        return this.analyzeResponse(request);
      throw new Error(
        `analysis of response ${request.responseId} at revision ${request.revision} was not stored (status ${now?.analysisStatus ?? 'gone'})`,
      );
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
    await this.completeEffects(stored, { analysis: response.analysis, themeKeys: response.themeKeys }, request.redelivered);
    return { status: 'analyzed', themeKeys, taxonomyVersion: version };
  }

  /**
   * The reconciler's repair: re-runs the effects of an analysed response whose effects never
   * completed (every retry of its job failed in an effect, or its worker died). Idempotent, like
   * the effects themselves; false when there is nothing (left) to do.
   */
  async resumeEffects(ref: { responseId: string; revision: number }): Promise<boolean> {
    const response = await this.deps.responses.findById(ref.responseId);
    if (!response || response.analysisRevision !== ref.revision || response.analysisStatus !== 'DONE' || !response.effectsPendingSince)
      return false;
    await this.completeEffects(response, null, true);
    return true;
  }

  /** Runs the effects, then clears the marker set with the analysis write. */
  private async completeEffects(
    response: ResponseEntity,
    previous: { analysis: StoredAnalysis | null; themeKeys: string[] } | null,
    redelivered: boolean,
  ): Promise<void> {
    await this.runEffects(response, previous, redelivered);
    await this.deps.analysisState.markEffectsDone(response._id, response.analysisRevision, this.now());
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

  /** The customer's latest sentiment, then every after-analysis hook, in order. Idempotent. */
  private async runEffects(
    response: ResponseEntity,
    previous: { analysis: StoredAnalysis | null; themeKeys: string[] } | null,
    redelivered: boolean,
  ): Promise<void> {
    if (response.customerExternalId && response.analysis) {
      await this.deps.customers.setLatestSentiment(response.customerExternalId, response._id, response.analysis.sentiment.label);
    }
    for (const hook of this.deps.hooks) {
      try {
        await hook.analyzed({ response, previous, redelivered });
      } catch (err) {
        throw new Error(`after-analysis hook "${hook.name}" failed for response ${response._id.toHexString()}: ${(err as Error).message}`, {
          cause: err,
        });
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
