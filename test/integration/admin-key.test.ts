/**
 * The bootstrapped ADMIN key over the real API: a published key left in a database by an older
 * `npm run demo` grants nothing, and changing VERBATIM_ADMIN_KEY revokes the key it replaces
 * (going back to a revoked key does not lock the current one out).
 */
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { testMongoUri } from '../helpers/services.js';

const NAME = 'admin-key';
const KEY_A = 'a7f0c2e94b1d38e65c0a9f2d7b4e1c83';
const KEY_B = 'b91e5d07c3a2f48e6d1b0c9a7e3f5d24';
const ME = `{ apiKeys { name prefix revokedAt } }`;
const apps: TestApp[] = [];

async function start(adminKey: string): Promise<TestApp> {
  const app = await startTestApp(NAME, { roles: ['api'], env: { VERBATIM_ADMIN_KEY: adminKey } });
  apps.push(app);
  return app;
}

async function stop(app: TestApp): Promise<void> {
  await app.stop();
  apps.splice(apps.indexOf(app), 1);
}

afterAll(async () => {
  for (const app of apps) await app.stop();
});

describe('bootstrapped ADMIN key', () => {
  it('a published demo key stored by an older version grants nothing, and is revoked at the next start', async () => {
    let app = await start(KEY_A);
    // What `npm run demo` used to leave in .data: the well-known key, stored as an ADMIN key.
    const connection = await mongoose.createConnection(testMongoUri(NAME)).asPromise();
    await connection.collection('api_keys').insertOne({
      _id: createHash('sha256').update('verbatim-demo-admin-key').digest('hex') as never,
      name: 'VERBATIM_ADMIN_KEY',
      role: 'ADMIN',
      scope: [],
      prefix: '(env)',
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
    });
    await connection.close();

    const demo = await app.as('verbatim-demo-admin-key')(ME);
    expect(demo.status).toBe(401);
    expect(demo.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    await stop(app);
    app = await start(KEY_A);
    const listed = await app.as(KEY_A)(ME);
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.apiKeys.filter((k: any) => k.prefix === '(env)' && !k.revokedAt)).toHaveLength(1);
    await stop(app);
  });

  it('changing VERBATIM_ADMIN_KEY revokes the previous one; the revoked one stays revoked', async () => {
    let app = await start(KEY_A);
    expect((await app.as(KEY_A)(ME)).errors).toBeUndefined();
    await stop(app);

    app = await start(KEY_B);
    expect((await app.as(KEY_B)(ME)).errors).toBeUndefined();
    const old = await app.as(KEY_A)(ME);
    expect(old.status).toBe(401);
    await stop(app);

    // Back to the old key: it stays revoked, and the current one is not revoked with it.
    app = await start(KEY_A);
    expect((await app.as(KEY_A)(ME)).status).toBe(401);
    expect((await app.as(KEY_B)(ME)).errors).toBeUndefined();
    await stop(app);
  });
});
