/**
 * NPS per owner (or team) over a period: the responses of the period grouped by the value of
 * one attribute (e.g. `account_manager`) and by category. A scan on FerretDB, run for a
 * leaderboard, never per request of the hot paths.
 */
import type { PipelineStage } from 'mongoose';
import type { NpsCategory } from '../../src/domain/nps.js';
import type { ResponseModel } from '../response/response.schema.js';

export interface OwnerCategoryCount {
  owner: string;
  category: NpsCategory;
  count: number;
}

const CATEGORIES: readonly NpsCategory[] = ['PROMOTER', 'PASSIVE', 'DETRACTOR'];

export class OwnerNpsRepository {
  constructor(private readonly model: ResponseModel) {}

  async countByOwner(attribute: string, from: Date, to: Date, requiredTags: string[]): Promise<OwnerCategoryCount[]> {
    // One grouping per category: FerretDB 1.24 drops `category` from a compound `$group` _id after
    // `$unwind` (every row then read as a detractor), so the category is matched, not grouped on.
    const counts = await Promise.all(
      CATEGORIES.map(async (category) => {
        const match: Record<string, unknown> = { respondedAt: { $gte: from, $lt: to }, category, 'attributes.key': attribute };
        if (requiredTags.length) match.attributeTags = { $all: requiredTags };
        // Allowed stages only ($match $project $unwind $group): FerretDB 1.24 runs these.
        const pipeline: PipelineStage[] = [
          { $match: match },
          { $project: { attributes: 1 } },
          { $unwind: '$attributes' },
          { $match: { 'attributes.key': attribute } },
          { $group: { _id: '$attributes.value', count: { $sum: 1 } } },
        ];
        const rows = await this.model.aggregate<{ _id: string; count: number }>(pipeline).exec();
        return rows.map((r) => ({ owner: r._id, category, count: r.count }));
      }),
    );
    return counts.flat();
  }
}
