/**
 * The analysis pipeline's writes and scans of responses. Every write is conditional on the
 * analysis revision, so a late or duplicated job can never overwrite newer work.
 *
 * FerretDB 1.24 (SQLite) serves only `_id` equality from an index: point writes go by `_id`, bulk
 * writes are chunked (models/bulk.ts), and the scans below are designed to run once per backfill or reconcile round, never per job.
 */
import { type Types, type AnyBulkWriteOperation, type FilterQuery } from 'mongoose';
import type { AnalysisStatus, ResponseEntity, StoredAnalysis, StoredCorrection } from './response.entity.js';
import type { ResponseModel } from './response.schema.js';
import { chunks } from '../bulk.js';

export interface AnalysisRef {
  _id: Types.ObjectId;
  analysisRevision: number;
}

export interface ReanalysisCandidate extends AnalysisRef {
  comment: string | null;
  analysisStatus: AnalysisStatus;
  analysis: { taxonomyVersion?: number } | null;
}

export interface StalePending extends AnalysisRef {
  requestId: string | null;
}

export type StatusCounts = Record<AnalysisStatus, number>;

export class ResponseAnalysisRepository {
  constructor(private readonly model: ResponseModel) {}

  /**
   * Stores the analyses of a batch, each at its `revision` unless the response moved to a newer
   * revision, was already analysed at this one, or was corrected since it was read (`correctedAt`:
   * the correction the analysis was built with, null for none), in chunked bulk writes. Returns the
   * ids (hex) of the responses this call wrote. When a chunk matched fewer than it held (rare: a
   * newer revision, a correction or a concurrent run got there first), the chunk is read back and
   * a response counts as written here when its stored analysis carries this call's `at`.
   */
  async writeAnalyses(
    items: readonly { id: Types.ObjectId; revision: number; analysis: StoredAnalysis; themeKeys: string[]; correctedAt: Date | null }[],
    at: Date,
  ): Promise<Set<string>> {
    const written = new Set<string>();
    for (const part of chunks(items)) {
      const result = await this.model.bulkWrite(
        part.map((item) => ({
          updateOne: {
            filter: {
              _id: item.id,
              analysisRevision: item.revision,
              analysisStatus: { $ne: 'DONE' },
              'correction.at': item.correctedAt,
            },
            update: analysisUpdate(item.analysis, item.themeKeys),
          },
        })),
        { ordered: false },
      );
      if (result.matchedCount === part.length) {
        for (const item of part) written.add(item.id.toHexString());
        continue;
      }
      const stored = await this.model
        .find({ _id: { $in: part.map((item) => item.id) } })
        .select({ analysisRevision: 1, analysisStatus: 1, 'analysis.analyzedAt': 1 })
        .lean<Pick<ResponseEntity, '_id' | 'analysisRevision' | 'analysisStatus' | 'analysis'>[]>()
        .exec();
      const revisionOf = new Map(part.map((item) => [item.id.toHexString(), item.revision]));
      for (const doc of stored) {
        const id = doc._id.toHexString();
        if (
          doc.analysisStatus === 'DONE' &&
          doc.analysisRevision === revisionOf.get(id) &&
          doc.analysis?.analyzedAt?.getTime() === at.getTime()
        )
          written.add(id);
      }
    }
    return written;
  }

  /**
   * Stores a person's correction (and the analysis with it laid over, when there is one) unless
   * the response changed since it was read: its revision, status or earlier correction moved.
   */
  async writeCorrection(
    read: Pick<ResponseEntity, '_id' | 'analysisRevision' | 'analysisStatus'> & { correction?: { at: Date } | null },
    correction: StoredCorrection,
    analysis: StoredAnalysis | null,
    themeKeys: string[],
  ): Promise<boolean> {
    const result = await this.model
      .updateOne(
        {
          _id: read._id,
          analysisRevision: read.analysisRevision,
          analysisStatus: read.analysisStatus,
          'correction.at': read.correction?.at ?? null,
        },
        { $set: analysis ? { correction, analysis, themeKeys } : { correction } },
      )
      .exec();
    return result.matchedCount === 1;
  }

  /** Gives up on `revision` (the last attempt failed). A previous analysis, if any, stays readable. */
  async markFailed(id: Types.ObjectId, revision: number, reason: string): Promise<boolean> {
    const result = await this.model
      .updateOne(
        { _id: id, analysisRevision: revision, analysisStatus: 'PENDING' },
        { $set: { analysisStatus: 'FAILED', analysisError: reason.slice(0, 1000) }, $inc: { analysisAttempts: 1 } },
      )
      .exec();
    return result.matchedCount === 1;
  }

  /**
   * Moves each response to the next revision (status PENDING, old analysis kept until replaced),
   * unless another writer moved it first. Returns the refs at their new revision.
   */
  async requestReanalysis(refs: AnalysisRef[], backfillVersion: number): Promise<AnalysisRef[]> {
    const bumped = refs.map((r) => ({ _id: r._id, analysisRevision: r.analysisRevision + 1 }));
    for (const chunk of chunks(refs)) {
      const ops: AnyBulkWriteOperation<ResponseEntity>[] = chunk.map((r) => ({
        updateOne: {
          filter: { _id: r._id, analysisRevision: r.analysisRevision },
          update: {
            $set: {
              analysisRevision: r.analysisRevision + 1,
              analysisStatus: 'PENDING',
              analysisError: null,
              analysisAttempts: 0,
              analysisBackfillVersion: backfillVersion,
            },
          },
        },
      }));
      await this.model.bulkWrite(ops, { ordered: false });
    }
    // A response another writer bumped first has the same next revision (same job id) or a
    // newer one (its own job): enqueueing the ref below is harmless either way.
    return bumped;
  }

  /**
   * Streams the responses after `afterId`, in _id order, in batches: one pass over the
   * collection per call (FerretDB reads it whole for any range query anyway).
   */
  async scanInIdOrder(
    afterId: Types.ObjectId | null,
    batchSize: number,
    onBatch: (batch: ReanalysisCandidate[]) => Promise<boolean | void>,
  ): Promise<void> {
    const filter: FilterQuery<ResponseEntity> = afterId ? { _id: { $gt: afterId } } : {};
    const cursor = this.model.collection.find(filter as never, {
      projection: { comment: 1, analysisRevision: 1, analysisStatus: 1, 'analysis.taxonomyVersion': 1 },
      sort: { _id: 1 },
      batchSize: Math.max(batchSize, 100),
    });
    let batch: ReanalysisCandidate[] = [];
    try {
      for await (const doc of cursor) {
        batch.push(doc as unknown as ReanalysisCandidate);
        if (batch.length >= batchSize) {
          const stop = await onBatch(batch);
          batch = [];
          if (stop === false) return;
        }
      }
      if (batch.length > 0) await onBatch(batch);
    } finally {
      await cursor.close();
    }
  }

  /** PENDING responses not touched since `before`, oldest first: their job may have been lost. */
  async findStalePending(before: Date, limit: number): Promise<StalePending[]> {
    return this.model
      .find({ analysisStatus: 'PENDING', updatedAt: { $lt: before } })
      .sort({ updatedAt: 1 })
      .limit(limit)
      .select({ _id: 1, analysisRevision: 1, requestId: 1 })
      .lean<StalePending[]>()
      .exec();
  }

  /** Responses by analysis status, among those matching `match` (one pass over them). */
  async statusCounts(match: FilterQuery<ResponseEntity>): Promise<StatusCounts> {
    const rows = await this.model
      .aggregate<{ _id: AnalysisStatus; n: number }>([{ $match: match }, { $group: { _id: '$analysisStatus', n: { $sum: 1 } } }])
      .exec();
    const counts: StatusCounts = { PENDING: 0, DONE: 0, FAILED: 0 };
    for (const row of rows) if (row._id in counts) counts[row._id] = row.n;
    return counts;
  }
}

/** The analysis write: result and status DONE (the effects it owes were recorded before it, OpenEffectsRepository). */
function analysisUpdate(analysis: StoredAnalysis, themeKeys: string[]) {
  return {
    $set: {
      analysis,
      themeKeys,
      analysisStatus: 'DONE' as const,
      analysisError: null,
      analysisBackfillVersion: null,
    },
    $inc: { analysisAttempts: 1 },
  };
}
