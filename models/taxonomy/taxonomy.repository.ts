/**
 * Reads and writes of the taxonomy: themes, the version counter and backfill records.
 * The theme collection is small (hundreds of documents at most), so listing it is cheap everywhere.
 */
import type { Types } from 'mongoose';
import { duplicateKeyIndexes, isDuplicateKeyError } from '../bulk.js';
import { TAXONOMY_STATE_ID, type BackfillEntity, type TaxonomyStateEntity, type ThemeEntity } from './taxonomy.entity.js';
import type { TaxonomyModels } from './taxonomy.schema.js';

export type NewTheme = Pick<ThemeEntity, 'key' | 'label' | 'description' | 'keywords' | 'examples' | 'parent'>;
export type ThemePatch = Partial<Pick<ThemeEntity, 'label' | 'description' | 'keywords' | 'examples' | 'parent'>>;

export class TaxonomyRepository {
  constructor(private readonly models: TaxonomyModels) {}

  // ── themes ──

  async listThemes(includeRetired: boolean): Promise<ThemeEntity[]> {
    const filter = includeRetired ? {} : { retired: false };
    return this.models.themes.find(filter).sort({ key: 1 }).lean<ThemeEntity[]>().exec();
  }

  async findTheme(key: string): Promise<ThemeEntity | null> {
    return this.models.themes
      .findOne({ key: String(key) })
      .lean<ThemeEntity>()
      .exec();
  }

  /** Inserts a theme; returns false when the key is already taken (by an active or a retired theme). */
  async insertTheme(theme: NewTheme): Promise<boolean> {
    try {
      await this.models.themes.create({ ...theme, retired: false, retiredAt: null, mergedInto: null });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Inserts the themes whose keys are not stored yet (concurrent seeders collide on the unique key, harmlessly). */
  async insertMissingThemes(themes: NewTheme[]): Promise<void> {
    if (themes.length === 0) return;
    try {
      await this.models.themes.insertMany(
        themes.map((t) => ({ ...t, retired: false, retiredAt: null, mergedInto: null })),
        { ordered: false },
      );
    } catch (err) {
      if (!duplicateKeyIndexes(err, themes.length)) throw err;
    }
  }

  async updateTheme(key: string, patch: ThemePatch): Promise<ThemeEntity | null> {
    return this.models.themes
      .findOneAndUpdate({ key: String(key), retired: false }, { $set: patch }, { new: true })
      .lean<ThemeEntity>()
      .exec();
  }

  async retireTheme(key: string, mergedInto: string | null, at: Date): Promise<ThemeEntity | null> {
    return this.models.themes
      .findOneAndUpdate({ key: String(key), retired: false }, { $set: { retired: true, retiredAt: at, mergedInto } }, { new: true })
      .lean<ThemeEntity>()
      .exec();
  }

  /** Points the active children of `fromKeys` at `toKey`. */
  async reparent(fromKeys: string[], toKey: string | null): Promise<void> {
    if (fromKeys.length === 0) return;
    await this.models.themes.updateMany({ parent: { $in: fromKeys }, retired: false }, { $set: { parent: toKey } }).exec();
  }

  // ── version ──

  async getState(): Promise<TaxonomyStateEntity | null> {
    return this.models.state.findById(TAXONOMY_STATE_ID).lean<TaxonomyStateEntity>().exec();
  }

  /** Creates the state document at version 1 unless it exists; returns it. */
  async ensureState(): Promise<TaxonomyStateEntity> {
    try {
      await this.models.state
        .updateOne({ _id: TAXONOMY_STATE_ID }, { $setOnInsert: { version: 1, seeded: false } }, { upsert: true })
        .exec();
    } catch (err) {
      // Two first starts at once: the loser's upsert collides on _id; the document exists either way.
      if (!isDuplicateKeyError(err)) throw err;
    }
    const state = await this.getState();
    if (!state) throw new Error('taxonomy state document missing after upsert');
    return state;
  }

  async markSeeded(): Promise<void> {
    await this.models.state.updateOne({ _id: TAXONOMY_STATE_ID }, { $set: { seeded: true } }).exec();
  }

  /** Atomically bumps the version and returns the new one. */
  async bumpVersion(): Promise<number> {
    const state = await this.models.state
      .findOneAndUpdate({ _id: TAXONOMY_STATE_ID }, { $inc: { version: 1 } }, { new: true })
      .lean<TaxonomyStateEntity>()
      .exec();
    if (!state) throw new Error('taxonomy state document missing: seed the taxonomy first');
    return state.version;
  }

  // ── backfills ──

  /** Records a backfill for `version` unless one exists; returns the stored record. */
  async createBackfill(version: number, reason: string, at: Date): Promise<BackfillEntity> {
    try {
      await this.models.backfills.create({ version, reason, status: 'RUNNING', cursor: null, scanned: 0, requeued: 0, startedAt: at });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const stored = await this.findBackfill(version);
    if (!stored) throw new Error(`backfill ${version} missing after insert`);
    return stored;
  }

  async findBackfill(version: number): Promise<BackfillEntity | null> {
    return this.models.backfills.findOne({ version }).lean<BackfillEntity>().exec();
  }

  async latestBackfill(): Promise<BackfillEntity | null> {
    return this.models.backfills.findOne({}).sort({ version: -1 }).lean<BackfillEntity>().exec();
  }

  async runningBackfills(): Promise<BackfillEntity[]> {
    return this.models.backfills.find({ status: 'RUNNING' }).sort({ version: 1 }).lean<BackfillEntity[]>().exec();
  }

  /** Saves the scan position after a batch was handled. */
  async advanceBackfill(version: number, cursor: Types.ObjectId, scanned: number, requeued: number): Promise<void> {
    await this.models.backfills.updateOne({ version, status: 'RUNNING' }, { $set: { cursor }, $inc: { scanned, requeued } }).exec();
  }

  async finishBackfill(version: number, status: 'DONE' | 'SUPERSEDED', at: Date): Promise<void> {
    await this.models.backfills.updateOne({ version, status: 'RUNNING' }, { $set: { status, finishedAt: at } }).exec();
  }
}
