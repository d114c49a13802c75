/**
 * Checks a taxonomy coming from outside (a file, the API) and returns a clean copy, or throws an
 * Error whose message names the offending field, e.g. `themes[2].key: must be snake_case`.
 */
import type { Taxonomy, ThemeDefinition } from '../types.js';

export const TAXONOMY_LIMITS = {
  themes: 500,
  keywordsPerTheme: 500,
  examplesPerTheme: 200,
  keywordLength: 100,
  exampleLength: 500,
  labelLength: 200,
  descriptionLength: 2000,
  keyLength: 64,
} as const;

const KEY = /^[a-z][a-z0-9_]*$/;

class TaxonomyError extends Error {
  constructor(path: string, problem: string) {
    super(`invalid taxonomy: ${path}: ${problem}`);
    this.name = 'TaxonomyError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function requireString(value: unknown, path: string, maxLength: number): string {
  if (typeof value !== 'string') throw new TaxonomyError(path, `must be a string, got ${describe(value)}`);
  const trimmed = value.trim();
  if (!trimmed) throw new TaxonomyError(path, 'must not be empty');
  if (trimmed.length > maxLength) throw new TaxonomyError(path, `must be at most ${maxLength} characters`);
  return trimmed;
}

function stringList(value: unknown, path: string, maxItems: number, maxLength: number): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TaxonomyError(path, `must be an array of strings, got ${describe(value)}`);
  if (value.length > maxItems) throw new TaxonomyError(path, `must have at most ${maxItems} entries`);
  const out: string[] = [];
  const seen = new Set<string>();
  value.forEach((item, i) => {
    const s = requireString(item, `${path}[${i}]`, maxLength);
    if (!seen.has(s.toLowerCase())) out.push(s);
    seen.add(s.toLowerCase());
  });
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

function validateTheme(raw: unknown, path: string): ThemeDefinition {
  if (!isObject(raw)) throw new TaxonomyError(path, `must be an object, got ${describe(raw)}`);
  const key = requireString(raw.key, `${path}.key`, TAXONOMY_LIMITS.keyLength);
  if (!KEY.test(key)) throw new TaxonomyError(`${path}.key`, `must be snake_case (lower-case letters, digits, underscores), got "${key}"`);
  const label = requireString(raw.label, `${path}.label`, TAXONOMY_LIMITS.labelLength);
  let description: string | undefined;
  if (raw.description !== undefined && raw.description !== null && raw.description !== '') {
    description = requireString(raw.description, `${path}.description`, TAXONOMY_LIMITS.descriptionLength);
  }
  const keywords = stringList(raw.keywords, `${path}.keywords`, TAXONOMY_LIMITS.keywordsPerTheme, TAXONOMY_LIMITS.keywordLength);
  const examples = stringList(raw.examples, `${path}.examples`, TAXONOMY_LIMITS.examplesPerTheme, TAXONOMY_LIMITS.exampleLength);
  if (keywords.length === 0 && examples.length === 0) {
    throw new TaxonomyError(`${path}.keywords`, 'a theme needs at least one keyword or example, or it can never match');
  }
  let parent: string | null | undefined;
  if (raw.parent !== undefined && raw.parent !== null) {
    parent = requireString(raw.parent, `${path}.parent`, TAXONOMY_LIMITS.keyLength);
  } else if (raw.parent === null) parent = null;
  const theme: ThemeDefinition = { key, label, keywords, examples };
  if (description !== undefined) theme.description = description;
  if (parent !== undefined) theme.parent = parent;
  return theme;
}

export function validateTaxonomy(input: unknown): Taxonomy {
  if (!isObject(input)) throw new TaxonomyError('taxonomy', `must be an object with a "themes" array, got ${describe(input)}`);
  if (!Array.isArray(input.themes)) throw new TaxonomyError('themes', `must be an array, got ${describe(input.themes)}`);
  if (input.themes.length === 0) throw new TaxonomyError('themes', 'must contain at least one theme');
  if (input.themes.length > TAXONOMY_LIMITS.themes) throw new TaxonomyError('themes', `must have at most ${TAXONOMY_LIMITS.themes} themes`);
  const themes = input.themes.map((t, i) => validateTheme(t, `themes[${i}]`));

  const index = new Map<string, number>();
  themes.forEach((t, i) => {
    if (index.has(t.key)) throw new TaxonomyError(`themes[${i}].key`, `duplicate key "${t.key}" (also themes[${index.get(t.key)}])`);
    index.set(t.key, i);
  });
  themes.forEach((t, i) => {
    if (t.parent == null) return;
    if (!index.has(t.parent)) throw new TaxonomyError(`themes[${i}].parent`, `unknown theme key "${t.parent}"`);
    // Walk up the parents: a cycle would make the hierarchy meaningless.
    const seen = new Set<string>([t.key]);
    for (let p: string | null | undefined = t.parent; p != null; p = themes[index.get(p) ?? -1]?.parent) {
      if (seen.has(p)) throw new TaxonomyError(`themes[${i}].parent`, `parent chain of "${t.key}" forms a cycle`);
      seen.add(p);
    }
  });

  let version: number | undefined;
  if (input.version !== undefined) {
    if (typeof input.version !== 'number' || !Number.isInteger(input.version) || input.version < 0) {
      throw new TaxonomyError('version', 'must be a non-negative integer');
    }
    version = input.version;
  }
  return version === undefined ? { themes } : { version, themes };
}
