/**
 * The record of owed after-analysis effects (one document per analysis batch) against the real
 * MongoDB-compatible server: closing keeps only what failed, a close that lost a race with the
 * reconciler still keeps what failed, a redelivered run releases what it re-ran, the progress
 * count sees only analysed responses, and the per-response markers of older versions move once.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../models/database.js';
import { testMongoUri } from '../helpers/services.js';

const NAME = 'open-effects';

describe('owed after-analysis effects', () => {
  let db: Database;

  beforeAll(async () => {
    db = await connectDatabase({ uri: testMongoUri(NAME) });
    await db.connection.dropDatabase();
  });

  afterAll(async () => {
    await db?.close();
  });

  const responses = () => db.connection.collection('responses');
  const ref = (revision = 0) => ({ _id: new Types.ObjectId(), analysisRevision: revision });
  const ids = (refs: readonly { _id: Types.ObjectId }[]) => refs.map((r) => r._id.toHexString()).sort();
  const staleRefs = async () => (await db.openEffects.findStale(new Date(Date.now() + 60_000), 1_000)).flatMap((o) => o.refs);

  it('closes a batch: deleted when all ran, narrowed to what failed, recreated when a reconciler round deleted it first', async () => {
    const batch = [ref(), ref(), ref(1)];
    const id = await db.openEffects.open(batch, new Date());
    expect(ids(await staleRefs())).toEqual(ids(batch));
    // Nothing is due before its time.
    expect(await db.openEffects.findStale(new Date(Date.now() - 60_000), 1_000)).toEqual([]);

    await db.openEffects.close(id, [batch[2]]);
    expect(await staleRefs()).toEqual([batch[2]]);
    await db.openEffects.close(id);
    expect(await staleRefs()).toEqual([]);

    // The reconciler deleted the record while the batch still ran; the batch's failures are kept, due at once.
    await db.openEffects.close(id, [batch[0]]);
    expect(await db.openEffects.findStale(new Date(1), 1_000)).toEqual([{ id, refs: [batch[0]] }]);
    await db.openEffects.close(id);
  });

  it('releases refs whose effects a redelivered run completed, at their revision only', async () => {
    const [a, b] = [ref(2), ref(0)];
    const id = await db.openEffects.open([a, b], new Date());
    await db.openEffects.release([{ _id: a._id, analysisRevision: 1 }]);
    expect(ids(await staleRefs())).toEqual(ids([a, b]));
    await db.openEffects.release([a]);
    expect(await staleRefs()).toEqual([b]);
    await db.openEffects.release([b]);
    expect(await staleRefs()).toEqual([]);
    expect(await db.connection.collection('analysis_effects_open').countDocuments({ _id: id as never })).toBe(0);
  });

  it('counts owed effects of analysed responses only, within the match', async () => {
    const [done, doneOther, pending] = [ref(), ref(), ref()];
    await responses().insertMany([
      { _id: done._id, analysisStatus: 'DONE', analysisRevision: 0, requestId: 'imp-1' },
      { _id: doneOther._id, analysisStatus: 'DONE', analysisRevision: 0, requestId: 'imp-2' },
      { _id: pending._id, analysisStatus: 'PENDING', analysisRevision: 0, requestId: 'imp-1' },
    ]);
    const id = await db.openEffects.open([done, doneOther, pending], new Date());
    expect(await db.openEffects.countPending({})).toBe(2);
    expect(await db.openEffects.countPending({ requestId: 'imp-1' })).toBe(1);
    await db.openEffects.close(id);
    expect(await db.openEffects.countPending({})).toBe(0);
  });

  it('moves the per-response markers of older versions once, due at once', async () => {
    const [marked, clear, failedMarked] = [ref(3), ref(), ref()];
    await responses().insertMany([
      { _id: marked._id, analysisStatus: 'DONE', analysisRevision: 3, effectsPendingSince: new Date() },
      { _id: clear._id, analysisStatus: 'DONE', analysisRevision: 0, effectsPendingSince: null },
      { _id: failedMarked._id, analysisStatus: 'FAILED', analysisRevision: 0, effectsPendingSince: new Date() },
    ]);
    expect(await db.openEffects.moveLegacyMarkers()).toBe(1);
    expect(await db.openEffects.findStale(new Date(1), 1_000)).toEqual([{ id: expect.any(String), refs: [marked] }]);
    // A second start does not scan again (the marker is still on the response: it would be found).
    expect(await db.openEffects.moveLegacyMarkers()).toBe(0);
    expect(await staleRefs()).toEqual([marked]);
  });
});
