/** Adapter versions, and the corrected responses they are trained on. */
import type { ResponseModel } from '../response/response.schema.js';
import type { StoredCorrection, StoredSentiment } from '../response/response.entity.js';
import type { AdapterEntity, AdapterModel, StoredAdapter } from './adapter.schema.js';

export interface CorrectedResponse {
  comment: string | null;
  correction: StoredCorrection;
  analysis: { themes: { key: string; label: string }[] } | null;
  original: { sentiment: { label: StoredSentiment['label'] } } | null;
}

export class AdapterRepository {
  constructor(
    private readonly model: AdapterModel,
    private readonly responses: ResponseModel,
  ) {}

  async latest(): Promise<AdapterEntity | null> {
    const doc = await this.model.findOne().sort({ _id: -1 }).lean<StoredAdapter>().exec();
    return doc ? { ...doc, data: JSON.parse(doc.data) as AdapterEntity['data'] } : null;
  }

  /** Stores a version; false when another worker stored that version first. */
  async insert(entity: AdapterEntity): Promise<boolean> {
    try {
      await this.model.create({ ...entity, data: JSON.stringify(entity.data) });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  /** The newest corrected responses with a comment (one scan, bounded). */
  async corrected(limit: number): Promise<CorrectedResponse[]> {
    const docs = await this.responses
      .find({ correction: { $ne: null }, comment: { $ne: null } })
      .sort({ 'correction.at': -1 })
      .limit(limit)
      .select({ comment: 1, correction: 1, 'analysis.themes.key': 1, 'analysis.themes.label': 1 })
      .lean()
      .exec();
    // The query already left out uncorrected ones; the check tells the types.
    return docs.flatMap(({ comment, correction, analysis }) =>
      correction
        ? [
            {
              comment,
              correction,
              analysis: analysis ? { themes: analysis.themes.map((t) => ({ key: t.key, label: t.label })) } : null,
              original: correction.original ? { sentiment: { label: correction.original.sentiment.label } } : null,
            },
          ]
        : [],
    );
  }
}
