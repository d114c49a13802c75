/**
 * `correctAnalysis`: a person sets a response's themes and/or sentiment. The correction is stored
 * with who and when, the machine analysis before the first correction is kept for audit, the
 * corrected values are laid over the stored analysis (so every query reads them) and the
 * response is re-recorded in the rollups once. Later re-analyses lay the correction over again.
 */
import { Types } from 'mongoose';
import { AppError, InputError, notFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Attribute, ResponseEntity, StoredCorrection, StoredSentiment } from '../../../models/response/response.entity.js';
import type { ResponseAnalysisRepository } from '../../../models/response/response-analysis.repository.js';
import type { ResponseRepository } from '../../../models/response/response.repository.js';
import { inScope } from '../auth/scope.js';
import type { TaxonomySource } from '../pipeline/current-taxonomy.js';
import { applyCorrection, themeKeysOf } from './apply-correction.js';

const MAX_CORRECTED_THEMES = 50;
const WRITE_ATTEMPTS = 3;

export interface CorrectionInputData {
  /** Theme keys of the taxonomy in force; [] means "no theme". Omitted: unchanged. */
  themes?: string[] | null;
  sentiment?: StoredSentiment['label'] | null;
}

export interface Corrector {
  keyId: string;
  name?: string;
  scope: readonly Attribute[];
}

export class CorrectionService {
  constructor(
    private readonly deps: {
      responses: ResponseRepository;
      analysisState: ResponseAnalysisRepository;
      taxonomy: Pick<TaxonomySource, 'current'>;
      rollups: { record(responses: readonly ResponseEntity[]): Promise<void> };
      log: Logger;
      now?: () => Date;
    },
  ) {}

  async correct(responseId: string, input: CorrectionInputData, by: Corrector): Promise<ResponseEntity> {
    const themes = input.themes == null ? null : [...new Set(input.themes.map((k) => k.trim()))];
    if (themes == null && input.sentiment == null)
      throw new InputError([{ field: 'input', message: 'must correct `themes`, `sentiment` or both' }]);
    if (themes && themes.length > MAX_CORRECTED_THEMES)
      throw new InputError([{ field: 'input.themes', message: `must have at most ${MAX_CORRECTED_THEMES} entries` }]);

    const taxonomy = await this.deps.taxonomy.current();
    const labels = new Map(taxonomy.themes.map((t) => [t.key, t.label]));
    const unknown = (themes ?? []).filter((k) => !labels.has(k));
    if (unknown.length > 0) {
      throw new InputError([
        {
          field: 'input.themes',
          message: `unknown theme key${unknown.length > 1 ? 's' : ''} ${unknown
            .slice(0, 10)
            .map((k) => JSON.stringify(k.slice(0, 100)))
            .join(', ')}: not in the taxonomy in force`,
        },
      ]);
    }

    for (let attempt = 1; ; attempt++) {
      const response = Types.ObjectId.isValid(responseId) ? await this.deps.responses.findById(responseId) : null;
      // Outside the scope looks exactly like a response that does not exist.
      if (!response || !inScope(response.attributes, by.scope)) throw notFound('response', responseId);

      const previous = response.correction ?? null;
      const correction: StoredCorrection = {
        // Corrections add up: a later one that leaves a field out keeps the earlier value.
        themes: themes ?? previous?.themes ?? null,
        sentiment: input.sentiment ?? previous?.sentiment ?? null,
        byKeyId: by.keyId,
        byName: by.name ?? by.keyId.slice(0, 12),
        at: this.deps.now?.() ?? new Date(),
        original: previous ? previous.original : stripCorrection(response.analysis),
      };
      const analysis = applyCorrection(response.analysis, correction, labels);
      const themeKeys = themeKeysOf(analysis, response.themeKeys);
      if (await this.deps.analysisState.writeCorrection(response, correction, analysis, themeKeys)) {
        const stored: ResponseEntity = { ...response, correction, analysis, themeKeys };
        // Pending responses get their analysis (and rollup entry) from the job, which applies the correction.
        if (analysis) await this.deps.rollups.record([stored]);
        this.deps.log.info(
          { responseId, by: correction.byName, themes: correction.themes, sentiment: correction.sentiment },
          'analysis corrected',
        );
        return stored;
      }
      if (attempt >= WRITE_ATTEMPTS)
        throw new AppError('CONFLICT', `response ${responseId} kept changing while it was corrected; retry`, { id: responseId });
    }
  }
}

/** The machine analysis as it was (a stored analysis never carries correction marks before a correction). */
function stripCorrection<T extends { corrected?: boolean } | null>(analysis: T): T {
  if (!analysis) return analysis;
  const { corrected: _c, correctedBy: _b, correctedAt: _a, ...machine } = analysis as T & { correctedBy?: unknown; correctedAt?: unknown };
  return machine as T;
}
