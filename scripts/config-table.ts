/**
 * Prints the configuration table (every variable, its default, what it means) from CONFIG_SPEC.
 * `--write` refreshes the table between the config-table markers in README.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_SPEC } from '../src/config.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

export function renderConfigTable(): string {
  const rows = Object.entries(CONFIG_SPEC).map(([name, { schema, doc }]) => {
    // Every default in CONFIG_SPEC is a scalar (string, number or boolean).
    const parsed = (schema as { safeParse(v: unknown): { success: boolean; data?: string | number | boolean } }).safeParse(undefined);
    const fallback = parsed.success && parsed.data !== undefined ? `\`${String(parsed.data)}\`` : 'unset';
    return `| \`${name}\` | ${fallback} | ${doc.replace(/\|/g, '\\|')} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

export function readmeWithTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--write')) {
    writeFileSync(README, readmeWithTable(readFileSync(README, 'utf8')));
    console.log('README.md configuration table updated');
  } else {
    console.log(renderConfigTable());
  }
}
