/**
 * Planner ticks never overlap: a tick holds a lease (a write lock on the real database) while it
 * plans, and a tick that starts while another still runs plans nothing. The lease itself: taken
 * without waiting, renewed by its holder, broken once it ran out, and lost to the one who broke it.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { WriteLockRepository } from '../../models/lock/write-lock.repository.js';
import { NO_EVENTS } from '../../src/services/events.js';
import { createProgrammeServices } from '../../src/services/programme/index.js';
import { useTestDatabase } from '../helpers/database.js';

const NAME = 'planner-lease';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const database = useTestDatabase(NAME);

describe('a lease', () => {
  it('is taken without waiting, refused while held, renewed by its holder and free again once released', async () => {
    const db = database();
    const locks = new WriteLockRepository(db.connection);
    const first = await locks.tryLease('lease-test:a', 10_000);
    expect(first).not.toBeNull();
    expect(await locks.tryLease('lease-test:a', 10_000)).toBeNull();
    expect(await first!.renew()).toBe(true);
    await first!.release();
    const again = await locks.tryLease('lease-test:a', 10_000);
    expect(again).not.toBeNull();
    await again!.release();
  });

  it('that ran out (its holder died) is broken by the next taker, and its old holder learns it lost it', async () => {
    const db = database();
    const locks = new WriteLockRepository(db.connection);
    const stalled = await locks.tryLease('lease-test:b', 50);
    expect(stalled).not.toBeNull();
    await sleep(120);
    const next = await locks.tryLease('lease-test:b', 10_000);
    expect(next).not.toBeNull();
    expect(await stalled!.renew()).toBe(false);
    // The old holder's release leaves the new holder's lock alone.
    await stalled!.release();
    expect(await locks.tryLease('lease-test:b', 10_000)).toBeNull();
    await next!.release();
  });
});

describe('planner ticks', () => {
  it('a tick that starts while another holds the lease plans nothing; the next one plans', async () => {
    const db = database();
    let now = new Date('2026-12-01T10:00:00Z');
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const { dispatchPlanner } = createProgrammeServices({ config, db, events: NO_EVENTS, log: createLogger('silent'), clock: () => now });
    const locks = new WriteLockRepository(db.connection);

    // A tick still running (or a stalled job re-run): it holds the planner's lease.
    const running = await locks.tryLease('dispatch-planner:tick', 10_000);
    expect(running).not.toBeNull();
    expect(await dispatchPlanner.tick()).toBeNull();
    // Nothing was claimed for the refused tick: it is no tick at all.
    expect(await db.connection.db!.collection('dispatch_ticks').countDocuments({})).toBe(0);
    await running!.release();

    const tickMs = config.VERBATIM_DISPATCH_EVERY_SECONDS * 1000;
    now = new Date(now.getTime() + tickMs);
    expect(await dispatchPlanner.tick()).toMatchObject({ released: 0 });
    // Two different ticks at once (a worker whose clock is a tick ahead): one plans, the other finds the lease held.
    now = new Date(now.getTime() + tickMs);
    const ahead = createProgrammeServices({
      config,
      db,
      events: NO_EVENTS,
      log: createLogger('silent'),
      clock: () => new Date(now.getTime() + tickMs),
    });
    const both = await Promise.all([dispatchPlanner.tick(), ahead.dispatchPlanner.tick()]);
    expect(both.filter((t) => t !== null)).toHaveLength(1);
    // And the lease is free after them.
    const after = await locks.tryLease('dispatch-planner:tick', 10_000);
    expect(after).not.toBeNull();
    await after!.release();
  });
});
