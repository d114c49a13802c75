/**
 * Closing an ioredis connection without unhandled rejections. disconnect() rejects the commands in
 * flight (a last publish, an unsubscribe) with nobody to catch them, and cutting a connection that
 * is still connecting makes its own ready check fail the same way. So: let a connecting client
 * finish, quit() (replies to what was sent arrive first), and cut whatever does not answer in time.
 */
import type { Redis } from 'ioredis';

const GRACE_MS = 1_000;

function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    cut,
  ]).finally(() => clearTimeout(timer));
}

export async function closeRedisGently(client: Redis): Promise<void> {
  if (client.status === 'connecting' || client.status === 'connect') {
    await within(GRACE_MS, new Promise((resolve) => client.once('ready', resolve).once('end', resolve)));
  }
  if (client.status === 'ready') await within(GRACE_MS, client.quit());
  client.disconnect();
}
