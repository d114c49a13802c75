/**
 * The GraphQL examples of README.md and docs/*.md, so tests can validate them against the schema
 * and run them against a live service: ```graphql blocks (one example per operation in a block),
 * the JSON payloads of `gql '…'` calls in ```sh blocks, and inline `query|mutation|subscription …`
 * code spans.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface DocExample {
  /** `README.md:67`: where the example starts. */
  where: string;
  source: string;
  variables?: Record<string, unknown>;
  operation: 'query' | 'mutation' | 'subscription';
  document: DocumentNode;
}

function docFiles(): string[] {
  return [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
}

/** Every example of every documentation file, in file order. */
export function docExamples(): DocExample[] {
  return docFiles().flatMap((file) => examplesOf(file, readFileSync(join(ROOT, file), 'utf8')));
}

/** A fenced block: its language, its text and the line it starts on. */
export function fencedBlocks(markdown: string): { lang: string; text: string; line: number }[] {
  const blocks: { lang: string; text: string; line: number }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    blocks.push({ lang: open[1], text: lines.slice(i + 1, end).join('\n'), line: i + 2 });
    i = end;
  }
  return blocks;
}

export function examplesOf(file: string, markdown: string): DocExample[] {
  const examples: DocExample[] = [];
  const lineOf = (offset: number, base: number) => base + markdown.slice(0, offset).split('\n').length - 1;
  for (const block of fencedBlocks(markdown)) {
    if (block.lang === 'graphql') {
      examples.push(...operations(file, block.line, block.text));
    } else if (block.lang === 'sh') {
      // gql '{"query": …, "variables": …}': the body curl posts (single-quoted, so no escapes inside).
      for (const call of block.text.matchAll(/\bgql '([^']*)'/g)) {
        const line = block.line + block.text.slice(0, call.index).split('\n').length - 1;
        const where = `${file}:${line}`;
        let payload: { query: string; variables?: Record<string, unknown> };
        try {
          payload = JSON.parse(call[1]);
        } catch (err) {
          throw new Error(`${where}: the gql payload is not JSON: ${(err as Error).message}`, { cause: err });
        }
        examples.push(...operations(file, line, payload.query, payload.variables));
      }
    }
  }
  // Inline spans outside fenced blocks.
  const prose = markdown.replace(/^```[\s\S]*?^```\s*$/gm, (m) => m.replace(/[^\n]/g, ' '));
  for (const span of prose.matchAll(/`((?:query|mutation|subscription)\b[^`]*\{[^`]*)`/g)) {
    examples.push(...operations(file, lineOf(span.index, 1), span[1]));
  }
  return examples;
}

/** One example per operation, so a block may list several anonymous queries. */
function operations(file: string, line: number, source: string, variables?: Record<string, unknown>): DocExample[] {
  const where = `${file}:${line}`;
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (err) {
    throw new Error(`${where}: does not parse: ${(err as Error).message}\n${source}`, { cause: err });
  }
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((op) => ({
      where: `${file}:${line + source.slice(0, op.loc?.start ?? 0).split('\n').length - 1}`,
      source: op.loc ? source.slice(op.loc.start, op.loc.end) : source,
      variables,
      operation: op.operation,
      document: { kind: Kind.DOCUMENT, definitions: [op, ...fragments] },
    }));
}
