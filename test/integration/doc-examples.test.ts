/**
 * Every query example of README.md and docs/*.md runs without errors against a live service with
 * seeded data (mutations seed it first; subscriptions are only validated, in the unit test), and
 * the README's curl examples run as written.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_KEY, waitFor, type TestApp } from '../helpers/app.js';
import { docExamples, fencedBlocks, ROOT } from '../helpers/doc-examples.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const examples = docExamples();
/**
 * Mutations not run: createWebhook would deliver to the example's host on the internet, and
 * correctAnalysis needs a stored response's id (its example is validated against the schema by the
 * unit test; the mutation itself is exercised by corrections.test.ts).
 */
const NOT_RUN = /\b(createWebhook|correctAnalysis)\b/;
/** A placeholder id in an example (`"665f…:default"`) stands for a seeded alert's id. */
const PLACEHOLDER_ID = /"[^"\s]*…[^"\s]*"/g;

let app: TestApp;
let alertId = '';

const SUBMIT = `mutation($in: ResponseInput!) { submitResponse(input: $in) { id } }`;
const COMMENTS = [
  'Support never answers and the invoice was wrong twice. Thinking about switching to another vendor.',
  'Billing is confusing and too expensive, we will cancel at renewal.',
  'Great onboarding, the team was fast and helpful.',
  'The reporting dashboard is slow and crashes every week.',
  'Love the product, easy to use and reliable.',
  'Okay overall, but the mobile app lacks features.',
];

beforeAll(async () => {
  app = await startTestApp('doc-examples');
  // The documented mutations (API keys, a submit, an import, a routing rule) seed the data first.
  for (const example of examples.filter((e) => e.operation === 'mutation' && !NOT_RUN.test(e.source))) {
    const res = await app.gql(example.source, example.variables);
    expect(res.errors, `${example.where}: ${JSON.stringify(res.errors)}`).toBeUndefined();
  }
  // Responses over two months, regions, owners and touchpoints the examples name.
  for (let i = 0; i < 36; i++) {
    const res = await app.gql(SUBMIT, {
      in: {
        externalId: `doc-${i}`,
        score: [2, 3, 10, 5, 9, 7][i % 6],
        comment: COMMENTS[i % COMMENTS.length],
        respondedAt: new Date(Date.now() - (i % 2) * 35 * 86_400_000 - i * 60_000).toISOString(),
        touchpoint: ['support_closed', 'renewal', 'onboarding'][i % 3],
        customer: { externalId: `doc-customer-${i % 9}`, name: `Customer ${i % 9}`, accountValue: 60_000 },
        attributes: [
          { key: 'region', value: ['Nevada', 'Texas'][i % 2] },
          { key: 'account_manager', value: ['ana@acme.test', 'dana'][i % 2] },
          { key: 'plan', value: 'enterprise' },
        ],
      },
    });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  }
  await waitFor(
    async () => (await app.gql(`{ responses(filter: { analysisStatus: PENDING }) { totalCount } }`)).data?.responses.totalCount === 0,
    {
      timeoutMs: 90_000,
      what: 'the seeded responses to be analysed',
    },
  );
  alertId = await waitFor(async () => (await app.gql(`{ alerts(first: 1) { edges { node { id } } } }`)).data?.alerts.edges[0]?.node.id, {
    timeoutMs: 30_000,
    what: 'an alert',
  });
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

describe('documented queries against a live service', () => {
  it('found the queries', () => {
    expect(examples.filter((e) => e.operation === 'query').length).toBeGreaterThanOrEqual(12);
  });

  it.each(
    examples.filter((e) => e.operation === 'query').map((e) => [`${e.where} ${e.source.replace(/\s+/g, ' ').slice(0, 70)}`, e] as const),
  )('%s runs without errors', async (_name, example) => {
    const res = await app.gql(example.source.replace(PLACEHOLDER_ID, JSON.stringify(alertId)), example.variables);
    expect(res.errors, `${example.where}: ${JSON.stringify(res.errors)}`).toBeUndefined();
    expect(res.data, example.where).toBeTruthy();
  });

  it('the README curl examples run as written', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = fencedBlocks(readme).find((b) => b.lang === 'sh' && b.text.includes('gql()'));
    expect(block).toBeDefined();
    // The block's own service start and key are this test's.
    const script = block!.text
      .split('\n')
      .filter((line) => !/\bnpm start\b/.test(line))
      .map((line) => line.replace(/^API=.*/, `API=${app.url}`).replace(/^KEY=.*/, `KEY=${TEST_ADMIN_KEY}`))
      .join('\n');
    // Asynchronously: the service answering curl runs in this process.
    const cwd = mkdtempSync(join(tmpdir(), 'verbatim-readme-'));
    const run = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd, encoding: 'utf8', timeout: 60_000 }).finally(
      () => rmSync(cwd, { recursive: true, force: true }),
    );
    const answers = run.stdout.split('\n').filter((l) => l.trim());
    expect(answers.length).toBe((block!.text.match(/^\s*gql '/gm) ?? []).length);
    for (const answer of answers) {
      const body = JSON.parse(answer) as { errors?: unknown; data?: unknown };
      expect(body.errors, answer).toBeUndefined();
      expect(body.data, answer).toBeTruthy();
    }
  });
});
