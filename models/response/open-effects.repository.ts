/**
 * Which analysed responses still owe their after-analysis effects: one document per analysis
 * batch (open-effects.schema.ts), opened before the batch's analysis writes and closed when its
 * effects have run. Every read here is of that small collection or by `_id` of responses.
 */
import { Types, type FilterQuery } from 'mongoose';
import type { ResponseEntity } from './response.entity.js';
import type { ResponseModel } from './response.schema.js';
import { MOVED_LEGACY_MARKERS, type OpenEffectsModel } from './open-effects.schema.js';
import type { AnalysisRef } from './response-analysis.repository.js';
import { chunks } from '../bulk.js';

/** One batch's owed effects. */
export interface OpenEffects {
  id: string;
  refs: AnalysisRef[];
}

/** How many open documents a count or a release reads at most (each holds up to one batch). */
const OPEN_READ_LIMIT = 1_000;
/** Ids per `_id: {$in}` count: the embedded FerretDB serves up to 10,000 from its index. */
const COUNT_CHUNK = 10_000;
/** Legacy markers moved per document. */
const MOVE_CHUNK = 100;

const key = (ref: AnalysisRef) => `${ref._id.toHexString()}@${ref.analysisRevision}`;

export class OpenEffectsRepository {
  constructor(
    private readonly model: OpenEffectsModel,
    private readonly responses: ResponseModel,
  ) {}

  /** Records that the effects of `refs` are owed from `at` on; written before the analyses are. */
  async open(refs: readonly AnalysisRef[], at: Date): Promise<string> {
    const id = new Types.ObjectId().toHexString();
    await this.model.insertMany([{ _id: id, at, refs: refs.map((r) => ({ id: r._id, revision: r.analysisRevision })) }]);
    return id;
  }

  /**
   * Closes a batch's document: deleted when nothing is left, else it keeps only the `unfinished`
   * refs (recreated, due at once, if a concurrent reconciler round deleted it meanwhile, so an
   * unfinished effect is never forgotten).
   */
  async close(id: string, unfinished: readonly AnalysisRef[] = []): Promise<void> {
    if (unfinished.length === 0) {
      await this.model.deleteOne({ _id: id }).exec();
      return;
    }
    await this.model
      .updateOne(
        { _id: id },
        { $set: { refs: unfinished.map((r) => ({ id: r._id, revision: r.analysisRevision })) }, $setOnInsert: { at: new Date(0) } },
        { upsert: true },
      )
      .exec();
  }

  /**
   * Removes `refs` from whichever open documents hold them (their effects just ran again, after a
   * redelivery), so the reconciler does not run them once more. Reads at most OPEN_READ_LIMIT
   * documents; what it misses only costs a repeat of idempotent effects.
   */
  async release(refs: readonly AnalysisRef[]): Promise<void> {
    if (refs.length === 0) return;
    const done = new Set(refs.map(key));
    for (const open of await this.readOpen({}, OPEN_READ_LIMIT)) {
      const left = open.refs.filter((r) => !done.has(key(r)));
      if (left.length < open.refs.length) await this.close(open.id, left);
    }
  }

  /** Batches whose effects have been owed since before `before`, oldest first, up to about `limit` refs in all. */
  async findStale(before: Date, limit: number): Promise<OpenEffects[]> {
    const out: OpenEffects[] = [];
    let refs = 0;
    for (const open of await this.readOpen({ at: { $lt: before } }, limit)) {
      out.push(open);
      refs += open.refs.length;
      if (refs >= limit) break;
    }
    return out;
  }

  /** Analysed responses (among those matching `match`) whose effects are still owed. */
  async countPending(match: FilterQuery<ResponseEntity>): Promise<number> {
    const ids = [...new Set((await this.readOpen({}, OPEN_READ_LIMIT)).flatMap((o) => o.refs.map((r) => r._id.toHexString())))];
    let pending = 0;
    for (const part of chunks(ids, COUNT_CHUNK)) {
      pending += await this.responses
        .countDocuments({ ...match, _id: { $in: part.map((id) => new Types.ObjectId(id)) }, analysisStatus: 'DONE' })
        .exec();
    }
    return pending;
  }

  /**
   * Versions before 5 December 2026 marked owed effects on each response (`effectsPendingSince`).
   * Moves those markers here once (one scan of the responses; a record keeps later starts from
   * scanning again). Returns how many were moved. Two instances starting at once may both move
   * them: the effects then run twice, which they are built for.
   */
  async moveLegacyMarkers(): Promise<number> {
    if (await this.model.exists({ _id: MOVED_LEGACY_MARKERS }).exec()) return 0;
    const marked = await this.responses
      .find({ analysisStatus: 'DONE', effectsPendingSince: { $gt: new Date(0) } })
      .select({ _id: 1, analysisRevision: 1 })
      .lean<AnalysisRef[]>()
      .exec();
    for (const part of chunks(marked, MOVE_CHUNK)) await this.open(part, new Date(0));
    await this.model.updateOne({ _id: MOVED_LEGACY_MARKERS }, { $set: { at: null, refs: [] } }, { upsert: true }).exec();
    return marked.length;
  }

  private async readOpen(filter: FilterQuery<{ at: Date | null }>, limit: number): Promise<OpenEffects[]> {
    const docs = await this.model
      .find({ ...filter, _id: { $ne: MOVED_LEGACY_MARKERS } })
      .sort({ at: 1 })
      .limit(limit)
      .lean()
      .exec();
    return docs.map((d) => ({ id: d._id, refs: d.refs.map((r) => ({ _id: r.id, analysisRevision: r.revision })) }));
  }
}
