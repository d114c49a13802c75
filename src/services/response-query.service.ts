/** Reading responses: one by id, pages of a filter, and NPS of a filter. */
import { Types } from 'mongoose';
import { npsFigures, type NpsFigures } from '../domain/nps.js';
import { InputError } from '../errors.js';
import type { ResponseEntity } from '../../models/response/response.entity.js';
import type { ResponseQueryFilter } from '../../models/response/response.filter.js';
import type { ResponseRepository } from '../../models/response/response.repository.js';
import { ATTRIBUTE_KEY } from './response-input.js';

export interface ResponsePage {
  items: ResponseEntity[];
  hasNextPage: boolean;
  endCursor: string | null;
}

const FILTER_LIST_LIMIT = 100;
const FILTER_TEXT_LIMIT = 200;

export function encodeCursor(id: Types.ObjectId): string {
  return Buffer.from(`r:${id.toHexString()}`).toString('base64url');
}

export function decodeCursor(cursor: string): Types.ObjectId {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const hex = decoded.startsWith('r:') ? decoded.slice(2) : '';
  if (!/^[0-9a-f]{24}$/.test(hex)) throw new InputError([{ field: 'after', message: 'is not a cursor this API issued' }]);
  return new Types.ObjectId(hex);
}

/** Bounds on filter sizes: a filter is data, and huge lists would only slow the database. */
export function checkFilter(filter: ResponseQueryFilter | null | undefined): void {
  if (!filter) return;
  const problems: { field: string; message: string }[] = [];
  const lists = { categories: filter.categories, touchpoints: filter.touchpoints, attributes: filter.attributes, themes: filter.themes };
  for (const [name, list] of Object.entries(lists)) {
    if (list && list.length > FILTER_LIST_LIMIT) problems.push({ field: `filter.${name}`, message: `must have at most ${FILTER_LIST_LIMIT} entries` });
  }
  for (const [i, a] of (filter.attributes ?? []).entries()) {
    if (!ATTRIBUTE_KEY.test(a.key)) problems.push({ field: `filter.attributes[${i}].key`, message: 'must be an attribute key (letters, digits, _ or -)' });
    if (a.value.length > FILTER_TEXT_LIMIT) problems.push({ field: `filter.attributes[${i}].value`, message: `must be at most ${FILTER_TEXT_LIMIT} characters` });
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

  async page(filter: ResponseQueryFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<ResponsePage> {
    checkFilter(filter);
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 0 || size > this.deps.maxPageSize) {
      throw new InputError([{ field: 'first', message: `must be from 0 to ${this.deps.maxPageSize}` }]);
    }
    const afterId = after ? decodeCursor(after) : null;
    const { items, hasNextPage } = await this.deps.responses.page(filter, size, afterId);
    const last = items.at(-1);
    return { items, hasNextPage, endCursor: last ? encodeCursor(last._id) : null };
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
