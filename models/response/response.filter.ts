/**
 * Translates a typed response filter into a MongoDB query. Every client value lands as a
 * plain string/number/date operand, never as an operator, so nothing a client sends can
 * become `$where` or `$gt`.
 */
import type { FilterQuery } from 'mongoose';
import type { NpsCategory } from '../../src/domain/nps.js';
import { attributeTag, type AnalysisStatus, type ResponseEntity } from './response.entity.js';

export interface ResponseQueryFilter {
  from?: Date | null;
  to?: Date | null;
  categories?: NpsCategory[] | null;
  touchpoints?: string[] | null;
  /** Same key given twice = either value (OR); different keys = all of them (AND). */
  attributes?: { key: string; value: string }[] | null;
  themes?: string[] | null;
  analysisStatus?: AnalysisStatus | null;
  search?: string | null;
  customerExternalId?: string | null;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function toMongoFilter(filter: ResponseQueryFilter | null | undefined): FilterQuery<ResponseEntity> {
  const query: FilterQuery<ResponseEntity> = {};
  if (!filter) return query;
  const and: FilterQuery<ResponseEntity>[] = [];

  if (filter.from || filter.to) {
    const range: { $gte?: Date; $lt?: Date } = {};
    if (filter.from) range.$gte = filter.from;
    if (filter.to) range.$lt = filter.to;
    query.respondedAt = range;
  }
  if (filter.categories?.length) query.category = { $in: filter.categories };
  if (filter.touchpoints?.length) query.touchpoint = { $in: filter.touchpoints.map(String) };
  if (filter.analysisStatus) query.analysisStatus = filter.analysisStatus;
  if (filter.customerExternalId) query.customerExternalId = String(filter.customerExternalId);
  if (filter.themes?.length) query.themeKeys = { $in: filter.themes.map(String) };

  if (filter.attributes?.length) {
    const byKey = new Map<string, string[]>();
    for (const { key, value } of filter.attributes) {
      byKey.set(key, [...(byKey.get(key) ?? []), attributeTag(String(key), String(value))]);
    }
    for (const tags of byKey.values()) and.push({ attributeTags: { $in: tags } });
  }
  if (filter.search && filter.search.trim()) {
    query.comment = { $regex: escapeRegex(filter.search.trim()), $options: 'i' };
  }
  if (and.length) query.$and = and;
  return query;
}
