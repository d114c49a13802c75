import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'verbatim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<Run> {
  return cliWithEnv({}, ...args);
}

async function cliWithEnv(env: Record<string, string>, ...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const outputLines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('verbatim analyze', { timeout: 60_000 }, () => {
  it('analyses JSONL into JSONL in input order, skipping and reporting bad lines', async () => {
    const input = file(
      'in.jsonl',
      [
        JSON.stringify({ id: 'a', text: 'The app is great but support never answers.' }),
        '{not json',
        JSON.stringify({ id: 'b', text: 'We will cancel our subscription, charged twice!' }),
        '',
        JSON.stringify({ id: 'c' }),
        JSON.stringify({ id: 7, text: 'ok' }),
      ].join('\n'),
    );
    const output = join(dir, 'out.jsonl');
    const r = await cli('analyze', '--input', input, '--output', output, '--quiet');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/line 2: invalid JSON/);
    expect(r.stderr).toMatch(/line 5: no "text" field/);
    const lines = outputLines(output);
    expect(lines.map((l) => l.id)).toEqual(['a', 'b', 7]);
    expect(lines[0]).toMatchObject({
      sentiment: { label: 'negative' },
      themes: expect.arrayContaining([
        expect.objectContaining({ key: 'customer_support', label: 'Customer support', sentiment: 'negative' }),
      ]),
    });
    expect(lines[1].churnSignals).toEqual([{ type: 'cancel', evidence: expect.stringMatching(/cancel/i) }]);
    expect(Object.keys(lines[2])).toEqual(expect.arrayContaining(['id', 'sentiment', 'themes', 'keyPhrases', 'churnSignals']));
  });

  it('reads CSV with a header and a chosen text column', async () => {
    const input = file('in.csv', 'id,comment,score\n1,"Delivery was late, again",3\n2,"Lovely staff, spotless room",10\n');
    const output = join(dir, 'out-csv.jsonl');
    const r = await cli('analyze', '--input', input, '--output', output, '--text-column', 'comment', '--quiet');
    expect(r.code).toBe(0);
    const lines = outputLines(output);
    expect(lines.map((l) => l.id)).toEqual(['1', '2']);
    expect((lines[0].themes as { key: string }[]).map((t) => t.key)).toContain('delivery');
    expect((lines[1].sentiment as { label: string }).label).toBe('positive');
  });

  it('uses a taxonomy file, and fails clearly on a bad one', async () => {
    const input = file('tax-in.jsonl', JSON.stringify({ id: 1, text: 'The car park was full' }));
    const output = join(dir, 'tax-out.jsonl');
    const good = file(
      'good.json',
      JSON.stringify({ themes: [{ key: 'parking', label: 'Parking', keywords: ['car park'], examples: [] }] }),
    );
    expect((await cli('analyze', '--input', input, '--output', output, '--taxonomy', good, '--quiet')).code).toBe(0);
    expect(outputLines(output)[0].themes).toEqual([
      { key: 'parking', label: 'Parking', confidence: expect.any(Number), sentiment: expect.any(String) },
    ]);

    const bad = file('bad.json', JSON.stringify({ themes: [{ key: 'Bad Key', label: 'x', keywords: ['y'] }] }));
    const r = await cli('analyze', '--input', input, '--output', output, '--taxonomy', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/themes\[0\]\.key: must be snake_case/);
  });

  it('prints progress on stderr unless --quiet', async () => {
    const input = file('progress.jsonl', JSON.stringify({ id: 1, text: 'fine' }));
    const r = await cli('analyze', '--input', input, '--output', join(dir, 'progress-out.jsonl'));
    expect(r.stderr).toMatch(/analysed 1 records .* done/);
  });

  it('exits 1 on an unreadable input and 2 on usage errors, and documents this in --help', async () => {
    expect((await cli('analyze', '--input', join(dir, 'missing.jsonl'), '--output', join(dir, 'x.jsonl'))).code).toBe(1);
    expect((await cli('analyze', '--input', 'x.jsonl')).code).toBe(2);
    expect((await cli('analyze', '--bogus')).code).toBe(2);
    const help = await cli('analyze', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit status: 0 when the whole input was processed/);
  });
});

describe('verbatim analyze --engine', { timeout: 60_000 }, () => {
  const emptyModelDir = mkdtempSync(join(tmpdir(), 'verbatim-no-models-'));
  afterAll(() => rmSync(emptyModelDir, { recursive: true, force: true }));
  const input = () => file('engine.jsonl', JSON.stringify({ id: 'a', text: 'Support never answered my emails.' }));

  it('auto without a model analyses with the lexical engine and warns, naming the folder and the install command', async () => {
    const output = join(dir, 'engine-auto.jsonl');
    const r = await cliWithEnv({ VERBATIM_MODEL_DIR: emptyModelDir }, 'analyze', '--input', input(), '--output', output, '--quiet');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: analysis engine auto: using the lexical engine/);
    expect(r.stderr).toContain(emptyModelDir);
    expect(r.stderr).toContain('npx verbatim models install');
    expect(outputLines(output).map((l) => l.id)).toEqual(['a']);
  });

  it('transformer without a model fails with exit 1, naming the folder and the install command', async () => {
    const r = await cliWithEnv(
      { VERBATIM_MODEL_DIR: emptyModelDir },
      'analyze',
      '--input',
      input(),
      '--output',
      join(dir, 'x.jsonl'),
      '--engine',
      'transformer',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(emptyModelDir);
    expect(r.stderr).toContain('npx verbatim models install');
  });

  it('refuses an unknown engine with exit 2', async () => {
    const r = await cli('analyze', '--input', input(), '--output', join(dir, 'x.jsonl'), '--engine', 'gpt');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--engine must be one of lexical, transformer, auto/);
  });
});

describe('verbatim discover', { timeout: 60_000 }, () => {
  it('prints candidate themes with counts and examples', async () => {
    const texts = ['the loyalty points never show up', 'loyalty points are confusing', 'love the loyalty points', 'fine'];
    const input = file('discover.jsonl', texts.map((text, i) => JSON.stringify({ id: i, text })).join('\n'));
    const r = await cli('discover', '--input', input, '--min-count', '2', '--quiet');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+3\s+loyalty point/m);
    expect(r.stdout).toContain('- the loyalty points never show up');

    const json = await cli('discover', '--input', input, '--min-count', '2', '--json', '--quiet');
    expect(JSON.parse(json.stdout)[0]).toMatchObject({ phrase: 'loyalty point', count: 3, examples: expect.arrayContaining([texts[1]]) });
  });

  it('counts near-duplicates once, with how many each example stood for, unless --keep-duplicates', async () => {
    const repeated = 'My loyalty points never show up!';
    const texts = [
      'loyalty points are confusing',
      repeated,
      'my loyalty points never show up',
      'MY LOYALTY POINTS NEVER SHOW UP.',
      'love the loyalty points',
      'fine',
    ];
    const input = file('discover-dupes.jsonl', texts.map((text) => JSON.stringify({ text })).join('\n'));
    const collapsed = await cli('discover', '--input', input, '--min-count', '2', '--json');
    expect(collapsed.code).toBe(0);
    expect(collapsed.stderr).toContain('2 near-duplicate verbatims counted once');
    const tracking = (
      JSON.parse(collapsed.stdout) as { phrase: string; count: number; examples: string[]; exampleRepeats: number[] }[]
    ).find((c) => c.phrase === 'loyalty point');
    expect(tracking?.count).toBe(3);
    expect(tracking?.exampleRepeats[tracking.examples.indexOf(repeated)]).toBe(2);

    const table = await cli('discover', '--input', input, '--min-count', '2', '--quiet');
    expect(table.stdout).toContain(`- ${repeated}  (+2 repeats)`);

    const each = await cli('discover', '--input', input, '--min-count', '2', '--json', '--quiet', '--keep-duplicates');
    expect((JSON.parse(each.stdout) as { phrase: string; count: number }[]).find((c) => c.phrase === 'loyalty point')?.count).toBe(5);
  });
});
