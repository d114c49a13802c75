/**
 * Writes the insight rollups. Every response's entry is SET as its own document (a bulk of
 * upserts conditional on the entry's version, so a newer version always wins), then the clocks of
 * the days that changed are bumped. Writing the same response again — a BullMQ retry, a duplicate
 * job, a re-analysis — replaces its entry instead of adding to it, so counts are exact by
 * construction, and no write rewrites more than the entries it carries. A journal document covers
 * the gap between the entry writes and the clock bump: if the process dies there, `sweep()` bumps
 * the clocks it names. See docs/insights.md.
 */
import type { Logger } from '../../../logger.js';
import type { EntrySource } from '../../../../models/rollup/insight-responses.repository.js';
import { chunks } from '../../../../models/bulk.js';
import type { NewEntryDoc, RollupRepository } from '../../../../models/rollup/rollup.repository.js';
import { monthOf } from '../calendar.js';
import { mapLimit } from '../concurrency.js';
import { dayOfTs, decodeEntry, encodeEntry, entryOf, type Entry } from './entry.js';
import { examplesOf, mergeExamples, type ExampleLists, type ResponseExamples } from './examples.js';

/** Journal entries older than this belong to writers that died. */
const STALE_JOURNAL_MS = 30_000;
/** Entries written per flush; later calls wait for the next flush. */
const MAX_BATCH = 10_000;
const CAS_ATTEMPTS = 25;
const IO_CONCURRENCY = 4;
/** Entries per insert command (updates stay at BULK_WRITE_CHUNK statements per command). */
const INSERT_CHUNK = 1_000;
const SAFE_KEY = /^[A-Za-z0-9_-]{1,100}$/;

interface Pending {
  entries: Entry[];
  examples: ResponseExamples[];
  labels: Map<string, string>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RollupWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly knownLabels = new Map<string, string>();
  private readonly knownAttrKeys = new Set<string>();

  constructor(
    private readonly deps: {
      rollups: RollupRepository;
      log: Logger;
      now: () => Date;
      /** Told the days whose entries changed, after their clocks were bumped. */
      onWritten?: (days: readonly string[]) => void;
    },
  ) {}

  /** Records responses as they are now (after ingestion, after analysis, after a final failure). Idempotent. */
  record(responses: readonly EntrySource[]): Promise<void> {
    if (responses.length === 0) return Promise.resolve();
    return this.enqueue(this.prepare(responses));
  }

  /** Records many responses (rebuilds): buffers up to `bufferSize` of them per write. */
  async recordAll(visitAll: (visit: (response: EntrySource) => void) => Promise<unknown>, bufferSize = MAX_BATCH): Promise<number> {
    let buffer: EntrySource[] = [];
    let count = 0;
    const writes: Promise<void>[] = [];
    const flush = () => {
      if (buffer.length === 0) return;
      writes.push(this.enqueue(this.prepare(buffer)));
      buffer = [];
    };
    await visitAll((response) => {
      buffer.push(response);
      count++;
      if (buffer.length >= bufferSize) flush();
    });
    flush();
    await Promise.all(writes);
    return count;
  }

  /**
   * Moves the entries of the former shard ledger (8 documents per day, `rollup_ledger_YYYYMM`)
   * into entry documents, then drops each migrated collection. Safe to run in several processes
   * at once and beside live writers: entries go through the same version-conditional write, so a
   * newer entry written meanwhile is kept. Returns how many entries were moved.
   */
  async migrateLegacyLedger(): Promise<number> {
    let moved = 0;
    for (const collection of await this.deps.rollups.legacyLedgerCollections()) {
      await this.deps.rollups.visitLegacyShards(collection, async (shard) => {
        const stored = shard.e && typeof shard.e === 'object' ? Object.entries(shard.e) : [];
        const entries: Entry[] = [];
        for (const [id, text] of stored) {
          try {
            entries.push(decodeEntry(id, text));
          } catch {
            this.deps.log.warn({ shard: shard._id, id }, 'rollups: unreadable legacy entry skipped (a rollup rebuild restores it)');
          }
        }
        if (entries.length) await this.enqueue({ entries, examples: [], labels: new Map() });
        moved += entries.length;
      });
      await this.deps.rollups.dropLegacyLedger(collection);
    }
    if (moved) this.deps.log.info({ entries: moved }, 'rollups: migrated the shard ledger to entry documents');
    return moved;
  }

  private prepare(responses: readonly EntrySource[]): Pick<Pending, 'entries' | 'examples' | 'labels'> {
    const labels = new Map<string, string>();
    const entries: Entry[] = [];
    const examples: ResponseExamples[] = [];
    for (const response of responses) {
      const entry = entryOf(response);
      entries.push(entry);
      examples.push(examplesOf(response, entry));
      for (const t of response.analysis?.themes ?? []) if (t?.key && t.label) labels.set(t.key, t.label);
    }
    return { entries, examples, labels };
  }

  private enqueue(work: Omit<Pending, 'resolve' | 'reject'>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...work, resolve, reject });
      this.kick();
    });
  }

  /** Writes run one batch at a time; calls made during a write are merged into the next batch. */
  private kick(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      while (this.queue.length > 0) {
        const batch: Pending[] = [];
        let size = 0;
        for (let next = this.queue[0]; next && (batch.length === 0 || size + next.entries.length <= MAX_BATCH); next = this.queue[0]) {
          this.queue.shift();
          size += next.entries.length;
          batch.push(next);
        }
        try {
          await this.write(batch);
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    })().finally(() => {
      this.flushing = null;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    // The newest version of each response wins within the batch too.
    const latest = new Map<string, Entry>();
    for (const p of batch) {
      for (const e of p.entries) {
        const previous = latest.get(e.id);
        if (!previous || previous.version <= e.version) latest.set(e.id, e);
      }
    }
    const docs = [...latest.values()].map((e) => ({ day: dayOfTs(e.ts), id: e.id, v: e.version, e: encodeEntry(e) }));
    const days = [...new Set(docs.map((d) => d.day))];
    const journalId = await this.deps.rollups.openJournal(days, this.deps.now());
    const changed = await this.putEntries(docs);
    await this.deps.rollups.bumpDays(changed);
    await this.writeExamples(batch);
    await this.updateMeta(batch, [...latest.values()]);
    await this.deps.rollups.closeJournal(journalId);
    if (changed.size) this.deps.onWritten?.([...changed]);
  }

  /**
   * Sets each entry unless the stored one has the same or a newer version; returns the days whose
   * entries changed. Most entries are new and go in with bulk inserts; those already stored
   * (retries, duplicates, re-analyses) are refused as duplicate keys and then replaced by updates
   * conditional on the stored version being older, one day per command so its count tells
   * whether that day changed. No write touches more than the entries it carries.
   */
  private async putEntries(docs: readonly NewEntryDoc[]): Promise<Set<string>> {
    const changed = new Set<string>();
    const stored: NewEntryDoc[] = [];
    const inserts = [...groupBy(docs, (d) => monthOf(d.day))].flatMap(([month, list]) =>
      chunks(list, INSERT_CHUNK).map((part) => ({ month, part })),
    );
    await mapLimit(inserts, IO_CONCURRENCY, async ({ month, part }) => {
      const taken = await this.deps.rollups.insertEntries(month, part);
      part.forEach((doc, i) => (taken.has(i) ? stored.push(doc) : changed.add(doc.day)));
    });
    const updates = [...groupBy(stored, (d) => d.day)].flatMap(([day, list]) => chunks(list).map((part) => ({ day, part })));
    await mapLimit(updates, IO_CONCURRENCY, async ({ day, part }) => {
      if (await this.deps.rollups.replaceOlderEntries(day, part)) changed.add(day);
    });
    return changed;
  }

  private async writeExamples(batch: Pending[]): Promise<void> {
    const byMonth = new Map<string, ResponseExamples[]>();
    for (const p of batch) for (const ex of p.examples) byMonth.set(ex.month, [...(byMonth.get(ex.month) ?? []), ex]);
    const docs = new Map((await this.deps.rollups.getExampleDocs([...byMonth.keys()])).map((d) => [d._id, d]));
    await mapLimit([...byMonth], IO_CONCURRENCY, async ([month, updates]) => {
      let doc = docs.get(month) ?? null;
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        if (attempt > 0) [doc = null] = await this.deps.rollups.getExampleDocs([month]);
        const next = mergeExamples(doc ? (JSON.parse(doc.ex) as ExampleLists) : {}, updates);
        if (next === null) return;
        if (await this.deps.rollups.putExampleDoc(month, doc?.rev ?? null, JSON.stringify(next))) return;
        await sleep(Math.random() * 10 * (attempt + 1));
      }
      throw new Error(`rollup examples ${month}: too much write contention`);
    });
  }

  private async updateMeta(batch: Pending[], entries: Entry[]): Promise<void> {
    const labels: Record<string, string> = {};
    for (const p of batch) {
      for (const [key, label] of p.labels) if (SAFE_KEY.test(key) && this.knownLabels.get(key) !== label) labels[key] = label;
    }
    const attrKeys = new Set<string>();
    for (const e of entries) {
      for (const tag of e.tags) {
        const key = tag.slice(0, tag.indexOf('='));
        if (SAFE_KEY.test(key) && !this.knownAttrKeys.has(key)) attrKeys.add(key);
      }
    }
    await this.deps.rollups.updateMeta(labels, [...attrKeys]);
    for (const [k, v] of Object.entries(labels)) this.knownLabels.set(k, v);
    for (const k of attrKeys) this.knownAttrKeys.add(k);
  }

  /** Bumps the clocks named by journal entries of writers that died mid-write. Returns how many were repaired. */
  async sweep(): Promise<number> {
    const stale = await this.deps.rollups.staleJournals(new Date(this.deps.now().getTime() - STALE_JOURNAL_MS));
    for (const j of stale) {
      await this.deps.rollups.bumpDays(j.days);
      await this.deps.rollups.closeJournal(j._id);
    }
    if (stale.length) this.deps.log.warn({ repaired: stale.length }, 'rollups: repaired clocks of interrupted writes');
    return stale.length;
  }

  /** Waits for pending writes. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}
