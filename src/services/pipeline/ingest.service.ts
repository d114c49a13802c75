/**
 * Ingestion: validates, stores (idempotent by externalId), records the customer's score and
 * schedules analysis. Storage is the commitment: if the queue is unreachable the response is
 * still stored, and the reconciler schedules it later.
 */
import { ACCOUNT_VALUE_BAND_ATTRIBUTE, bandOf } from '../../domain/account-value-bands.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger.js';
import { categoryOf, weightOf } from '../../domain/nps.js';
import { periodKeys } from '../../domain/periods.js';
import { InputError, type FieldProblem } from '../../errors.js';
import type { CustomerRepository } from '../../../models/customer/customer.repository.js';
import { attributeTag, type ResponseEntity } from '../../../models/response/response.entity.js';
import type { NewResponse, ResponseRepository } from '../../../models/response/response.repository.js';
import type { AnalysisScheduler } from './ports.js';
import { validateResponseInput, type InputLimits, type ResponseInputData, type ValidResponseInput } from './response-input.js';

export interface IngestLimits extends InputLimits {
  maxImportRows: number;
}

interface ImportRowError {
  index: number;
  field: string | null;
  message: string;
}

export interface ImportOutcome {
  accepted: number;
  duplicates: number;
  errors: ImportRowError[];
  /** The responses stored by this call, in input order, with the row each came from. */
  stored: { index: number; id: string; respondedAt: Date }[];
}

interface StoredWithCustomer {
  response: ResponseEntity;
  customer: ValidResponseInput['customer'];
}

export class IngestService {
  constructor(
    private readonly deps: {
      responses: ResponseRepository;
      customers: CustomerRepository;
      scheduler: AnalysisScheduler;
      limits: IngestLimits;
      log: Logger;
      now?: () => Date;
      /** Spend band edges (VERBATIM_ACCOUNT_VALUE_BANDS); absent: no band attribute. */
      accountValueBands?: readonly number[];
    },
  ) {}

  /** The response's attributes plus the band of the account value sent with it (unless it names one itself). */
  private withBand(input: ValidResponseInput): ValidResponseInput['attributes'] {
    const value = input.customer?.accountValue;
    const edges = this.deps.accountValueBands;
    if (value == null || !edges?.length || input.attributes.some((a) => a.key === ACCOUNT_VALUE_BAND_ATTRIBUTE)) return input.attributes;
    return [...input.attributes, { key: ACCOUNT_VALUE_BAND_ATTRIBUTE, value: bandOf(value, edges) }];
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Stores one response, or returns the one already stored under its externalId. */
  async submit(input: ResponseInputData, requestId: string | null = null): Promise<{ response: ResponseEntity; created: boolean }> {
    const checked = validateResponseInput(input, this.deps.limits, this.now());
    if (!checked.value) throw new InputError(checked.problems);
    const doc = this.toDocument(checked.value, requestId);
    const { response, created } = await this.deps.responses.insertOrGet(doc);
    if (created) await this.afterInsert([{ response, customer: checked.value.customer }], requestId);
    return { response, created };
  }

  /** Refuses an import of more rows than VERBATIM_MAX_IMPORT_ROWS, naming the field. */
  assertImportSize(rows: number): void {
    if (rows > this.deps.limits.maxImportRows)
      throw new InputError([{ field: 'input', message: `must have at most ${this.deps.limits.maxImportRows} rows (got ${rows})` }]);
  }

  /** Stores every valid row; invalid rows are reported by index, duplicates counted. */
  async import(rows: ResponseInputData[], requestId: string | null = null): Promise<ImportOutcome> {
    this.assertImportSize(rows.length);
    const now = this.now();
    const errors: ImportRowError[] = [];
    const docs: NewResponse[] = [];
    const customersOfDocs: ValidResponseInput['customer'][] = [];
    const docIndexToRow: number[] = [];
    rows.forEach((row, index) => {
      const checked = validateResponseInput(row, this.deps.limits, now);
      if (!checked.value) {
        errors.push(...checked.problems.map((p: FieldProblem) => ({ index, field: p.field, message: `${p.field}: ${p.message}` })));
        return;
      }
      docs.push(this.toDocument(checked.value, requestId, now));
      customersOfDocs.push(checked.value.customer);
      docIndexToRow.push(index);
    });

    const outcome = await this.deps.responses.insertMany(docs);
    for (const failed of outcome.failed) {
      errors.push({ index: docIndexToRow[failed.index], field: null, message: failed.message });
    }
    const stored: StoredWithCustomer[] = [];
    for (const [docIndex, id] of outcome.inserted) {
      stored.push({ response: { ...docs[docIndex], _id: id } as ResponseEntity, customer: customersOfDocs[docIndex] });
    }
    await this.afterInsert(stored, requestId);

    errors.sort((a, b) => a.index - b.index);
    return {
      accepted: stored.length,
      duplicates: outcome.duplicates.length,
      errors,
      stored: [...outcome.inserted.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([docIndex, id]) => ({ index: docIndexToRow[docIndex], id: id.toHexString(), respondedAt: docs[docIndex].respondedAt })),
    };
  }

  private toDocument(input: ValidResponseInput, requestId: string | null, now = this.now()): NewResponse {
    const respondedAt = input.respondedAt ?? now;
    const category = categoryOf(input.score);
    const attributes = this.withBand(input);
    return {
      // Without an externalId there is nothing to deduplicate on: give it a unique one.
      externalId: input.externalId ?? `auto:${randomUUID()}`,
      score: input.score,
      comment: input.comment,
      category,
      npsWeight: weightOf(category),
      respondedAt,
      receivedAt: now,
      period: periodKeys(respondedAt),
      touchpoint: input.touchpoint,
      channel: input.channel,
      attributes,
      attributeTags: attributes.map((a) => attributeTag(a.key, a.value)),
      customerExternalId: input.customer?.externalId ?? null,
      analysisStatus: 'PENDING',
      analysisRevision: 0,
      analysis: null,
      themeKeys: [],
      analysisError: null,
      analysisAttempts: 0,
      requestId,
    };
  }

  private async afterInsert(stored: StoredWithCustomer[], requestId: string | null): Promise<void> {
    await this.deps.customers.recordResponses(
      stored.flatMap(({ response: r, customer }) =>
        customer
          ? [
              {
                profile: { ...customer, attributes: r.attributes },
                response: { responseId: r._id, score: r.score, respondedAt: r.respondedAt },
              },
            ]
          : [],
      ),
    );
    try {
      await this.deps.scheduler.schedule(
        stored.map(({ response: r }) => ({ responseId: r._id.toHexString(), revision: r.analysisRevision, requestId })),
      );
    } catch (err) {
      // Not fatal: the response is stored PENDING and the reconciler will schedule it.
      this.deps.log.warn(
        { err: (err as Error).message, count: stored.length, requestId },
        'could not enqueue analysis; reconciler will retry',
      );
    }
  }
}
