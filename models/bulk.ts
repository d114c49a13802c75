/**
 * Bulk writes are cut into chunks of BULK_WRITE_CHUNK statements, so no single command runs long
 * on any server. Stock FerretDB 1.24 also hangs past 100 update statements that match existing
 * documents; the local build is patched (docs/ferretdb.md), a server someone else built may not be.
 */
const BULK_WRITE_CHUNK = 50;

export function chunks<T>(items: readonly T[], size = BULK_WRITE_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const DUPLICATE_KEY = 11000;

/** A single-document write refused because its unique key is already stored. */
export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === DUPLICATE_KEY;
}

/**
 * The statement indexes of an unordered bulk write of `size` statements that failed only on
 * duplicate keys; null when any other error is among them (the caller rethrows).
 */
export function duplicateKeyIndexes(err: unknown, size: number): Set<number> | null {
  const writeErrors = (err as { writeErrors?: { index: number; code?: number; err?: { code?: number } }[] }).writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) {
    return writeErrors.every((w) => (w.code ?? w.err?.code) === DUPLICATE_KEY) ? new Set(writeErrors.map((w) => w.index)) : null;
  }
  return isDuplicateKeyError(err) && size === 1 ? new Set([0]) : null;
}
