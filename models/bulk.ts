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
