/**
 * Database commands an app's MongoDB clients run (the connection URI needs `monitorCommands=true`),
 * by command name and collection, with their summed server round-trip time: what the benches print
 * to show where a path's time goes.
 */
export interface CommandStats {
  count: number;
  ms: number;
}

interface CommandEvent {
  requestId: number;
  commandName: string;
  command?: Record<string, unknown>;
  duration?: number;
  reply?: { cursor?: { id?: unknown } };
}

interface MonitoredClient {
  on(event: string, listener: (event: never) => void): unknown;
  off(event: string, listener: (event: never) => void): unknown;
}

/**
 * A find's or aggregation's filter as its fields and operators (" _id:$in", " status:$in dueAt:$lt"),
 * so a scan (a filter FerretDB cannot serve from `_id`) shows apart from the point reads.
 */
function filterShape(command: Record<string, unknown> | undefined): string {
  const pipeline = command?.pipeline;
  const first: unknown = Array.isArray(pipeline) ? (pipeline[0] as Record<string, unknown> | undefined)?.$match : undefined;
  const filter = command?.filter ?? first;
  if (!filter || typeof filter !== 'object') return '';
  const fields = Object.entries(filter as Record<string, unknown>).map(([field, value]) =>
    value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    Object.keys(value).every((k) => k.startsWith('$'))
      ? `${field}:${Object.keys(value).join(',')}`
      : field,
  );
  return fields.length ? ` ${fields.join(' ')}` : '';
}

/** A cursor id (a BSON Long, a bigint or a number) as a map key; '' when there is none. */
function cursorKey(id: unknown): string {
  if (typeof id === 'number' || typeof id === 'bigint') return String(id);
  if (id && typeof id === 'object' && 'toString' in id && typeof id.toString === 'function')
    return (id as { toString(): string }).toString();
  return '';
}

export function monitorCommands(clients: MonitoredClient[]) {
  let stats = new Map<string, CommandStats>();
  // Request ids are per connection pool: keyed by client too, so two clients never mix.
  const started = new Map<string, string>();
  const cursors = new Map<string, string>();
  const handlers = clients.map((client, i) => {
    const onStart = (e: CommandEvent) => {
      const target = e.command?.[e.commandName];
      // A getMore is named after the find or aggregation whose cursor it continues.
      const cursorOf = e.commandName === 'getMore' ? cursors.get(`${i}:${cursorKey(target)}`) : undefined;
      started.set(
        `${i}:${e.requestId}`,
        cursorOf ? `getMore (${cursorOf})` : `${e.commandName}${typeof target === 'string' ? ` ${target}` : ''}${filterShape(e.command)}`,
      );
    };
    const onEnd = (e: CommandEvent) => {
      const key = started.get(`${i}:${e.requestId}`);
      if (!key) return;
      const cursorId = cursorKey(e.reply?.cursor?.id);
      if (cursorId !== '' && cursorId !== '0' && !key.startsWith('getMore')) cursors.set(`${i}:${cursorId}`, key);
      started.delete(`${i}:${e.requestId}`);
      const s = stats.get(key) ?? { count: 0, ms: 0 };
      s.count += 1;
      s.ms += e.duration ?? 0;
      stats.set(key, s);
    };
    client.on('commandStarted', onStart);
    client.on('commandSucceeded', onEnd);
    client.on('commandFailed', onEnd);
    return { client, onStart, onEnd };
  });
  return {
    /** Returns the stats so far and starts new ones. */
    reset(): Map<string, CommandStats> {
      const out = stats;
      stats = new Map();
      return out;
    },
    stop(): void {
      for (const { client, onStart, onEnd } of handlers) {
        client.off('commandStarted', onStart);
        client.off('commandSucceeded', onEnd);
        client.off('commandFailed', onEnd);
      }
    },
  };
}

/** Commands by total time, most expensive first. */
export function byTime(stats: Map<string, CommandStats>): [string, CommandStats][] {
  return [...stats].sort((a, b) => b[1].ms - a[1].ms);
}

export const totalCount = (stats: Map<string, CommandStats>) => [...stats.values()].reduce((sum, s) => sum + s.count, 0);
