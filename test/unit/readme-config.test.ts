/** The README's configuration table is generated from the code; this keeps it from going stale. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeWithTable } from '../../scripts/config-table.js';

describe('README configuration table', () => {
  it('lists every variable the service reads (run `npm run config -- --write` after adding one)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(readmeWithTable(readme));
  });
});
