/**
 * How far analysis has got: responses by analysis status (of one import, identified by the
 * request id it was sent with, or of everything) and the analysis queue's job counts.
 */
import type { FilterQuery } from 'mongoose';
import { InputError } from '../../errors.js';
import { attributeTag, type Attribute, type ResponseEntity } from '../../../models/response/response.entity.js';
import type { ResponseAnalysisRepository, StatusCounts } from '../../../models/response/response-analysis.repository.js';
import type { OpenEffectsRepository } from '../../../models/response/open-effects.repository.js';
import type { PipelineQueue, QueueCounts } from './ports.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

export class PipelineStatusService {
  constructor(
    private readonly deps: {
      responses: ResponseAnalysisRepository;
      openEffects: Pick<OpenEffectsRepository, 'countPending'>;
      queue: Pick<PipelineQueue, 'analysisCounts'>;
    },
  ) {}

  checkRequestId(requestId: string | null | undefined): void {
    if (requestId != null && !REQUEST_ID.test(requestId)) {
      throw new InputError([
        {
          field: 'requestId',
          message: 'must be 1–100 letters, digits, dots, underscores or dashes (the x-request-id the import was sent with)',
        },
      ]);
    }
  }

  /** Counts by analysis status; one pass over the import's responses (or all responses), within the scope if given. */
  async statusCounts(requestId: string | null | undefined, scope: readonly Attribute[] = []): Promise<StatusCounts> {
    return this.deps.responses.statusCounts(this.matchOf(requestId, scope));
  }

  /** Analysed responses whose after-analysis effects have not completed yet (the reconciler re-runs them). */
  async effectsPending(requestId: string | null | undefined, scope: readonly Attribute[] = []): Promise<number> {
    return this.deps.openEffects.countPending(this.matchOf(requestId, scope));
  }

  private matchOf(requestId: string | null | undefined, scope: readonly Attribute[]): FilterQuery<ResponseEntity> {
    this.checkRequestId(requestId);
    const match: FilterQuery<ResponseEntity> = requestId != null ? { requestId } : {};
    if (scope.length) match.$and = scope.map((s) => ({ attributeTags: attributeTag(s.key, s.value) }));
    return match;
  }

  async queueCounts(): Promise<QueueCounts> {
    return this.deps.queue.analysisCounts();
  }
}
