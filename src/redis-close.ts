/**
 * Closing an ioredis connection without unhandled rejections. disconnect() rejects the commands in
 * flight (a last publish, an unsubscribe) with nobody to catch them, and cutting a connection that
 * is still connecting makes its own ready check fail the same way. So: let a connecting client
 * finish, quit() (replies to what was sent arrive first), and cut whatever does not answer in time.
 */
import type { Redis } from 'ioredis';
import { within } from './shutdown.js';

const GRACE_MS = 1_000;

export async function closeRedisGently(client: Redis): Promise<void> {
  if (client.status === 'connecting' || client.status === 'connect') {
    await within(new Promise((resolve) => client.once('ready', resolve).once('end', resolve)), GRACE_MS);
  }
  if (client.status === 'ready')
    await within(
      client.quit().catch(() => undefined),
      GRACE_MS,
    );
  client.disconnect();
}
