/**
 * Trains the corrections adapter in the background (the maintenance job `train-corrections-adapter`)
 * and serves the version in force to the analysis. A new version bumps the taxonomy version and
 * starts its backfill, so the responses are re-analysed with the adapter through the same path
 * as a taxonomy change (corrected responses keep their corrections).
 */
import { trainAdapter, type AdapterData, type CorrectionExample } from '../../analysis/adapter/adapter.js';
import type { Logger } from '../../logger.js';
import type { AdapterRepository } from '../../../models/adapter/adapter.repository.js';
import type { TaxonomyRepository } from '../../../models/taxonomy/taxonomy.repository.js';
import type { BackfillService } from '../pipeline/backfill.service.js';

/** Newest corrections an adapter learns from: bounds the training scan and the adapter's size. */
const MAX_TRAINING_CORRECTIONS = 5_000;

export class AdapterService {
  private cached: { version: number; data: AdapterData | null; taxonomyVersion: number } | null = null;

  constructor(
    private readonly deps: {
      adapters: AdapterRepository;
      taxonomy: Pick<TaxonomyRepository, 'bumpVersion' | 'getState'>;
      backfills: Pick<BackfillService, 'start'>;
      log: Logger;
      now?: () => Date;
    },
  ) {}

  /** Trains a new version if the corrections changed since the last one. Returns it, or null. */
  async train(): Promise<{ version: number; corrections: number; taxonomyVersion: number } | null> {
    const corrected = await this.deps.adapters.corrected(MAX_TRAINING_CORRECTIONS);
    const lastCorrectionAt = corrected.reduce<Date | null>((max, r) => (!max || r.correction.at > max ? r.correction.at : max), null);
    const latest = await this.deps.adapters.latest();
    if (
      corrected.length === 0 ||
      (latest && latest.corrections === corrected.length && latest.lastCorrectionAt?.getTime() === lastCorrectionAt?.getTime())
    )
      return null;

    const examples: CorrectionExample[] = corrected.map((r) => {
      const labels = new Map((r.analysis?.themes ?? []).map((t) => [t.key, t.label]));
      return {
        text: r.comment ?? '',
        themes: r.correction.themes ? r.correction.themes.map((key) => ({ key, label: labels.get(key) ?? key })) : null,
        sentiment: r.correction.sentiment,
        predictedSentiment: r.original?.sentiment.label ?? null,
      };
    });
    const version = (latest?._id ?? 0) + 1;
    const data = trainAdapter(examples, version);
    const taxonomyVersion = await this.deps.taxonomy.bumpVersion();
    const stored = await this.deps.adapters.insert({
      _id: version,
      data,
      corrections: corrected.length,
      lastCorrectionAt,
      taxonomyVersion,
      trainedAt: this.deps.now?.() ?? new Date(),
    });
    if (!stored) return null;
    await this.deps.backfills.start(taxonomyVersion, `corrections adapter v${version}`);
    this.deps.log.info({ version, corrections: corrected.length, taxonomyVersion }, 'trained the corrections adapter');
    return { version, corrections: corrected.length, taxonomyVersion };
  }

  /** The adapter in force (re-read when the taxonomy version moved, which every new adapter does). */
  async current(): Promise<AdapterData | null> {
    const taxonomyVersion = (await this.deps.taxonomy.getState())?.version ?? 0;
    if (this.cached && this.cached.taxonomyVersion === taxonomyVersion) return this.cached.data;
    const latest = await this.deps.adapters.latest();
    this.cached = { version: latest?._id ?? 0, data: latest?.data ?? null, taxonomyVersion };
    return this.cached.data;
  }
}
