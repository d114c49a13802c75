/** Reading responses: one by id, pages of a filter, and NPS of a filter. */
import type { Readable } from 'node:stream';
import { Types } from 'mongoose';
import { npsFigures, type NpsFigures } from '../domain/nps.js';
import { InputError } from '../errors.js';
import type { ResponseEntity } from '../../models/response/response.entity.js';
import type { ResponseQueryFilter } from '../../models/response/response.filter.js';
import type { ResponseRepository } from '../../models/response/response.repository.js';
import { decodeCursor, pageSize, toPage, type Page } from './paging.js';
import { ATTRIBUTE_KEY } from './pipeline/response-input.js';

const FILTER_LIST_LIMIT = 100;
const FILTER_TEXT_LIMIT = 200;
/** Documents per cursor batch of an export: memory stays at one batch however many rows match. */
const EXPORT_BATCH_SIZE = 500;

/** The ObjectId of an `after` cursor (responses page newest first by _id). */
function afterId(after: string | null | undefined): Types.ObjectId | null {
  const key = decodeCursor(after, ['string']);
  if (!key) return null;
  if (!Types.ObjectId.isValid(key[0]) || !/^[0-9a-f]{24}$/.test(String(key[0])))
    throw new InputError([{ field: 'after', message: 'is not a cursor of this query' }]);
  return new Types.ObjectId(key[0]);
}

/** Bounds on filter sizes: a filter is data, and huge lists would only slow the database. */
export function checkFilter(filter: ResponseQueryFilter | null | undefined): void {
  if (!filter) return;
  const problems: { field: string; message: string }[] = [];
  const lists = { categories: filter.categories, touchpoints: filter.touchpoints, attributes: filter.attributes, themes: filter.themes };
  for (const [name, list] of Object.entries(lists)) {
    if (list && list.length > FILTER_LIST_LIMIT)
      problems.push({ field: `filter.${name}`, message: `must have at most ${FILTER_LIST_LIMIT} entries` });
  }
  for (const [i, a] of (filter.attributes ?? []).entries()) {
    if (!ATTRIBUTE_KEY.test(a.key))
      problems.push({ field: `filter.attributes[${i}].key`, message: 'must be an attribute key (letters, digits, _ or -)' });
    if (a.value.length > FILTER_TEXT_LIMIT)
      problems.push({ field: `filter.attributes[${i}].value`, message: `must be at most ${FILTER_TEXT_LIMIT} characters` });
  }
  if (filter.search && filter.search.length > FILTER_TEXT_LIMIT) {
    problems.push({ field: 'filter.search', message: `must be at most ${FILTER_TEXT_LIMIT} characters` });
  }
  if (filter.from && filter.to && filter.from >= filter.to) problems.push({ field: 'filter.to', message: 'must be after filter.from' });
  if (problems.length) throw new InputError(problems);
}

export class ResponseQueryService {
  constructor(private readonly deps: { responses: ResponseRepository; maxPageSize: number }) {}

  async get(id: string): Promise<ResponseEntity | null> {
    return this.deps.responses.findById(id);
  }

  async page(
    filter: ResponseQueryFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<ResponseEntity>> {
    checkFilter(filter);
    const size = pageSize(first, this.deps.maxPageSize);
    const rows = await this.deps.responses.page(filter, size + 1, afterId(after));
    return toPage(rows, size, (r) => [r._id.toHexString()]);
  }

  /** Every matching response (plain objects), newest first, read from a database cursor (for exports). */
  stream(filter: ResponseQueryFilter | null | undefined): Readable {
    checkFilter(filter);
    return this.deps.responses.stream(filter, EXPORT_BATCH_SIZE);
  }

  async count(filter: ResponseQueryFilter | null | undefined): Promise<number> {
    checkFilter(filter);
    return this.deps.responses.count(filter);
  }

  async nps(filter: ResponseQueryFilter | null | undefined): Promise<NpsFigures> {
    checkFilter(filter);
    return npsFigures(await this.deps.responses.npsCounts(filter));
  }
}
