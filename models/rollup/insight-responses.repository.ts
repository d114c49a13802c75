/**
 * The reads of responses that insight queries need beyond the rollups: a streaming scan for
 * filters the rollups cannot answer (comment search …), and example verbatims by id.
 */
import { Types } from 'mongoose';
import type { ResponseEntity } from '../response/response.entity.js';
import { toMongoFilter, type ResponseQueryFilter } from '../response/response.filter.js';
import type { ResponseModel } from '../response/response.schema.js';

/** Only what a rollup entry needs: never the whole analysis. */
const ENTRY_FIELDS = {
  score: 1,
  touchpoint: 1,
  attributeTags: 1,
  respondedAt: 1,
  comment: 1,
  analysisRevision: 1,
  analysisStatus: 1,
  'analysis.analyzedAt': 1,
  'analysis.correctedAt': 1,
  'analysis.themes.key': 1,
  'analysis.themes.label': 1,
  'analysis.themes.confidence': 1,
  'analysis.themes.sentiment.label': 1,
  'analysis.themes.evidence': 1,
} as const;

export type EntrySource = Pick<
  ResponseEntity,
  '_id' | 'score' | 'touchpoint' | 'attributeTags' | 'respondedAt' | 'comment' | 'analysisRevision' | 'analysisStatus'
> & {
  analysis: {
    analyzedAt?: Date | null;
    correctedAt?: Date | null;
    themes?: {
      key: string;
      label?: string;
      confidence?: number;
      sentiment?: { label?: string };
      evidence?: { start: number; end: number; text: string }[];
    }[];
  } | null;
};

export class ResponseLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} responses match`);
  }
}

export class InsightResponseRepository {
  constructor(private readonly model: ResponseModel) {}

  /** Streams the matching responses (projected) to `visit`; throws ResponseLimitExceeded past `limit`. */
  async scan(filter: ResponseQueryFilter | null | undefined, visit: (doc: EntrySource) => void, limit: number): Promise<number> {
    let seen = 0;
    const cursor = this.model.collection.find(toMongoFilter(filter) as never, { projection: ENTRY_FIELDS, batchSize: 1000 });
    try {
      for await (const doc of cursor) {
        if (++seen > limit) throw new ResponseLimitExceeded(limit);
        visit(doc as unknown as EntrySource);
      }
    } finally {
      await cursor.close();
    }
    return seen;
  }

  /** The newest matching responses that have a comment. */
  async newestWithComment(
    filter: ResponseQueryFilter | null | undefined,
    limit: number,
  ): Promise<Pick<ResponseEntity, '_id' | 'comment' | 'respondedAt' | 'score'>[]> {
    const query = { ...toMongoFilter(filter) } as Record<string, unknown>;
    // A search filter already constrains `comment`; otherwise require a non-empty one.
    if (!query.comment) query.comment = { $type: 'string', $ne: '' };
    return this.model
      .find(query)
      .sort({ respondedAt: -1 })
      .limit(limit)
      .select({ comment: 1, respondedAt: 1, score: 1 })
      .lean<Pick<ResponseEntity, '_id' | 'comment' | 'respondedAt' | 'score'>[]>()
      .exec();
  }

  /**
   * Responses by id, one lookup each: `_id` equality is the only lookup FerretDB serves from an
   * index (`$in` reads the whole collection), and on MongoDB the lookups are just as cheap.
   */
  async findEach(ids: readonly string[], concurrency = 8): Promise<ResponseEntity[]> {
    const valid = [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id));
    const found = new Array<ResponseEntity | null>(valid.length).fill(null);
    let next = 0;
    const workers = Array.from({ length: Math.min(concurrency, valid.length) }, async () => {
      while (next < valid.length) {
        const i = next++;
        found[i] = await this.model.findById(valid[i]).lean<ResponseEntity>().exec();
      }
    });
    await Promise.all(workers);
    return found.filter((r): r is ResponseEntity => r !== null);
  }
}
