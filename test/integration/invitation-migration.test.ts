/**
 * Survey invitations stored before scope tags existed get them from their attributes when the
 * service starts, so a scoped MANAGER key sees its region's invitations (and only those).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { connectDatabase, type Database } from '../../models/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';

const NAME = 'invitation-migration';
const INVITATIONS = `{ surveyInvitations(first: 50) { totalCount edges { node { customer { externalId } touchpoint } } } }`;

/** An invitation as the version before scope tags stored it: no `attributeTags` field at all. */
function legacyInvitation(customerId: string, region: string | null) {
  const at = new Date('2026-11-02T10:00:00Z');
  return {
    _id: new Types.ObjectId(),
    eventId: new Types.ObjectId(),
    customerId,
    touchpoint: 'delivery',
    kind: 'TRANSACTIONAL',
    channel: 'email',
    team: null,
    email: `${customerId}@example.test`,
    locale: null,
    timeZone: 'UTC',
    account: null,
    attributes: region ? [{ key: 'region', value: region }] : [],
    dueAt: at,
    status: 'QUEUED',
    skipRule: null,
    skipDetail: null,
    plannedAt: at,
    sentAt: null,
    respondedAt: null,
    responseId: null,
    expiredAt: null,
  };
}

describe('survey invitations of an older version', () => {
  let db: Database;
  let app: TestApp;

  beforeAll(async () => {
    db = await connectDatabase({ uri: testMongoUri(NAME) });
    await db.connection
      .db!.collection('survey_invitations')
      .insertMany([
        legacyInvitation('north-1', 'north'),
        legacyInvitation('north-2', 'north'),
        legacyInvitation('south-1', 'south'),
        legacyInvitation('plain-1', null),
      ] as never[]);
    app = await startTestApp(NAME, { roles: ['api'] });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await db?.close();
  });

  it('are tagged on start, so a MANAGER key sees those of its scope and no others', async () => {
    const untagged = await db.connection.db!.collection('survey_invitations').countDocuments({ attributeTags: { $exists: false } });
    expect(untagged).toBe(0);

    const all = await app.gql(INVITATIONS);
    expect(all.errors).toBeUndefined();
    expect(all.data!.surveyInvitations.totalCount).toBe(4);

    const created = await app.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
      input: { name: 'north manager', role: 'MANAGER', scope: [{ key: 'region', value: 'north' }] },
    });
    expect(created.errors).toBeUndefined();
    const north = await app.as(created.data!.createApiKey.key as string)(INVITATIONS);
    expect(north.errors).toBeUndefined();
    const ids = (north.data!.surveyInvitations.edges as { node: { customer: { externalId: string } } }[]).map(
      (e) => e.node.customer.externalId,
    );
    expect(ids.sort()).toEqual(['north-1', 'north-2']);
  });
});
