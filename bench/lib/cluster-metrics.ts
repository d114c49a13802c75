/** Agreement of a clustering with gold labels: adjusted Rand index and purity. */

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Hubert–Arabie adjusted Rand index of two labelings of the same items (1 = identical, ~0 = chance). */
export function adjustedRand(gold: readonly string[], predicted: readonly string[]): number {
  const table = new Map<string, number>();
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  gold.forEach((g, i) => {
    const p = predicted[i];
    table.set(`${g}\u0000${p}`, (table.get(`${g}\u0000${p}`) ?? 0) + 1);
    rows.set(g, (rows.get(g) ?? 0) + 1);
    cols.set(p, (cols.get(p) ?? 0) + 1);
  });
  const index = [...table.values()].reduce((s, n) => s + pairs(n), 0);
  const a = [...rows.values()].reduce((s, n) => s + pairs(n), 0);
  const b = [...cols.values()].reduce((s, n) => s + pairs(n), 0);
  const expected = (a * b) / pairs(gold.length);
  const max = (a + b) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** Share of the items in their cluster's majority gold label, over the clustered items only (`null` = not clustered). */
export function purity(gold: readonly string[], predicted: readonly (string | null)[]): number {
  const byCluster = new Map<string, Map<string, number>>();
  let clustered = 0;
  predicted.forEach((p, i) => {
    if (p === null) return;
    clustered++;
    const counts = byCluster.get(p) ?? new Map<string, number>();
    counts.set(gold[i], (counts.get(gold[i]) ?? 0) + 1);
    byCluster.set(p, counts);
  });
  const majority = [...byCluster.values()].reduce((s, counts) => s + Math.max(...counts.values()), 0);
  return clustered === 0 ? 0 : majority / clustered;
}
