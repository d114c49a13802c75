/**
 * Cache rows kept in process memory, each with the clock it was built from: a read whose clocks
 * still match uses them without fetching and parsing the stored cache again (on FerretDB a read
 * of many caches decodes the whole cache collection). Validated against the clocks exactly like
 * the stored copy, so it can never serve rows a write has changed. Bounded by the number of
 * rows held; the least recently used go first.
 */
import type { CacheDoc } from '../../../../models/rollup/rollup.entity.js';
import type { Row } from './rows.js';

interface Held {
  clock: CacheDoc['clock'];
  rows: Row[] | null;
}

export class CacheMemo {
  private readonly held = new Map<string, Held>();
  private size = 0;

  constructor(private readonly maxRows: number) {}

  /** The rows kept under `key` if `valid(clock they were built from)`; undefined otherwise. Callers must not change them. */
  get(key: string, valid: (clock: CacheDoc['clock']) => boolean): Row[] | null | undefined {
    const held = this.held.get(key);
    if (!held || !valid(held.clock)) return undefined;
    this.held.delete(key); // most recently used last
    this.held.set(key, held);
    return held.rows;
  }

  set(key: string, clock: CacheDoc['clock'], rows: Row[] | null): void {
    this.drop(key);
    const count = rows?.length ?? 0;
    if (count > this.maxRows) return;
    this.held.set(key, { clock, rows });
    this.size += count;
    for (const oldest of this.held.keys()) {
      if (this.size <= this.maxRows) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const held = this.held.get(key);
    if (!held) return;
    this.held.delete(key);
    this.size -= held.rows?.length ?? 0;
  }
}
