import { describe, expect, it } from 'vitest';
import { afterKey, keyOf, sortDocument, type SortField } from '../../models/keyset.js';
import { InputError } from '../../src/errors.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, pageSize, toPage } from '../../src/services/paging.js';

describe('page size', () => {
  it('defaults to DEFAULT_PAGE_SIZE, never above the configured maximum', () => {
    expect(pageSize(null, 100)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSize(undefined, 5)).toBe(5);
    expect(pageSize(0, 100)).toBe(0);
    expect(pageSize(100, 100)).toBe(100);
  });

  it('refuses sizes outside 0..max, naming `first`', () => {
    for (const bad of [-1, 101, 2.5]) {
      expect(() => pageSize(bad, 100)).toThrow(InputError);
      try {
        pageSize(bad, 100);
      } catch (err) {
        expect((err as InputError).message + JSON.stringify(err)).toContain('first');
      }
    }
  });
});

describe('cursors', () => {
  it('round-trip a sort key and refuse cursors of another shape, naming `after`', () => {
    const cursor = encodeCursor([90, 1700000000000, 'abc:default']);
    expect(decodeCursor(cursor, ['number', 'number', 'string'])).toEqual([90, 1700000000000, 'abc:default']);
    expect(decodeCursor(null, ['string'])).toBeNull();
    expect(() => decodeCursor(cursor, ['number', 'string'])).toThrow(InputError);
    expect(() => decodeCursor('not base64 json', ['string'])).toThrow(InputError);
    expect(() => decodeCursor(encodeCursor(['1']), ['number'])).toThrow(InputError);
  });

  it('pages rows read with limit size + 1', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const page = toPage(rows, 2, (r) => [r.id]);
    expect(page.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(page.hasNextPage).toBe(true);
    expect(page.endCursor).toBe(encodeCursor(['b']));
    expect(toPage(rows, 3, (r) => [r.id])).toMatchObject({ hasNextPage: false, endCursor: encodeCursor(['c']) });
    expect(toPage([], 3, (r: { id: string }) => [r.id])).toEqual({ edges: [], hasNextPage: false, endCursor: null });
  });
});

describe('keyset filters', () => {
  const order: SortField[] = [
    { field: 'risk.score', direction: -1 },
    { field: 'dueAt', direction: 1, date: true },
    { field: '_id', direction: 1 },
  ];

  it('sort, key and "after" follow the order, dates as milliseconds', () => {
    expect(sortDocument(order)).toEqual({ 'risk.score': -1, dueAt: 1, _id: 1 });
    const due = new Date('2026-01-01T00:00:00Z');
    expect(keyOf(order, { _id: 'x', risk: { score: 70 }, dueAt: due })).toEqual([70, due.getTime(), 'x']);
    expect(afterKey(order, [70, due.getTime(), 'x'])).toEqual({
      $or: [{ 'risk.score': { $lt: 70 } }, { 'risk.score': 70, dueAt: { $gt: due } }, { 'risk.score': 70, dueAt: due, _id: { $gt: 'x' } }],
    });
  });
});
