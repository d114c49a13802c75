/**
 * Taxonomy management: the themes analyses match against, stored in MongoDB and seeded with the
 * engine's default taxonomy on first start. Every change is validated against the whole resulting
 * taxonomy, bumps the taxonomy version and starts a re-analysis backfill of the responses it may
 * change. Theme keys never change and are never reused, so trends survive renames and merges.
 */
import { defaultTaxonomy, TAXONOMY_LIMITS, validateTaxonomy, type Taxonomy, type ThemeDefinition } from '../analysis/index.js';
import { AppError, InputError, type FieldProblem } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ThemeEntity } from '../../models/taxonomy/taxonomy.entity.js';
import type { NewTheme, TaxonomyRepository, ThemePatch } from '../../models/taxonomy/taxonomy.repository.js';
import type { BackfillService } from './pipeline/backfill.service.js';

const THEME_KEY = /^[a-z][a-z0-9_]*$/;
const MAX_MERGE_SOURCES = 50;

export interface ThemeInputData {
  key: string;
  label: string;
  description?: string | null;
  keywords?: string[] | null;
  examples?: string[] | null;
  parent?: string | null;
}

export interface ThemePatchData {
  label?: string | null;
  description?: string | null;
  keywords?: string[] | null;
  examples?: string[] | null;
  /** undefined: unchanged; null: becomes a top-level theme. */
  parent?: string | null;
}

/** The taxonomy in force, with the version analyses record. */
export interface VersionedTaxonomy extends Taxonomy {
  version: number;
}

export interface TaxonomyChange {
  theme: ThemeEntity;
  version: number;
}

export class TaxonomyService {
  private seeding: Promise<void> | null = null;
  /** The taxonomy last loaded between two equal version reads. */
  private latest: VersionedTaxonomy | null = null;

  constructor(
    private readonly deps: {
      taxonomy: TaxonomyRepository;
      backfills: BackfillService;
      log: Logger;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * Inserts the default themes once. Safe under concurrent first starts (unique key and an
   * upserted state document) and resumable if a start died half-way.
   */
  ensureSeeded(): Promise<void> {
    this.seeding ??= (async () => {
      const state = await this.deps.taxonomy.ensureState();
      if (state.seeded) return;
      await this.deps.taxonomy.insertMissingThemes(defaultTaxonomy.themes.map(toNewTheme));
      await this.deps.taxonomy.markSeeded();
      this.deps.log.info({ themes: defaultTaxonomy.themes.length }, 'seeded the default taxonomy');
    })().catch((err) => {
      this.seeding = null; // let the next call try again (e.g. the database was briefly down)
      throw err;
    });
    return this.seeding;
  }

  async version(): Promise<number> {
    await this.ensureSeeded();
    const state = await this.deps.taxonomy.getState();
    if (!state) throw new Error('taxonomy state document missing');
    return state.version;
  }

  /**
   * The active themes and the version they belong to (read between two equal version reads).
   * Every change bumps the version, so while the version is the one last loaded the themes are
   * too: then only the version is read (insight queries ask for the labels on every request).
   * Callers must not change what it returns.
   */
  async current(): Promise<VersionedTaxonomy> {
    await this.ensureSeeded();
    let before = await this.version();
    if (this.latest?.version === before) return this.latest;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) before = await this.version();
      const themes = await this.deps.taxonomy.listThemes(false);
      const after = await this.version();
      if (before === after || attempt >= 3) {
        const loaded = { version: after, themes: themes.map(toDefinition) };
        if (before === after && (!this.latest || after >= this.latest.version)) this.latest = loaded;
        return loaded;
      }
    }
  }

  async list(includeRetired: boolean): Promise<ThemeEntity[]> {
    await this.ensureSeeded();
    return this.deps.taxonomy.listThemes(includeRetired);
  }

  async get(key: string): Promise<ThemeEntity | null> {
    await this.ensureSeeded();
    return this.deps.taxonomy.findTheme(key);
  }

  async create(input: ThemeInputData): Promise<TaxonomyChange> {
    await this.ensureSeeded();
    const key = typeof input.key === 'string' ? input.key.trim() : '';
    checkKey(key, 'input.key');
    const theme = validateOne({ ...input, key }, 'input');
    const existing = await this.deps.taxonomy.findTheme(key);
    if (existing) throw keyTaken(existing);
    const active = await this.deps.taxonomy.listThemes(false);
    validateWhole([...active.map(toDefinition), theme], theme.key, 'input');
    const inserted = await this.deps.taxonomy.insertTheme(toNewTheme(theme));
    if (!inserted) throw keyTaken((await this.deps.taxonomy.findTheme(key)) ?? { key, retired: false });
    return this.changed(key, `createTheme ${key}`);
  }

  async update(key: string, patch: ThemePatchData): Promise<TaxonomyChange> {
    await this.ensureSeeded();
    const current = await this.requireActive(key, 'key');
    const merged: ThemeDefinition = {
      ...toDefinition(current),
      ...(patch.label != null ? { label: patch.label } : {}),
      ...(patch.description !== undefined ? { description: patch.description ?? undefined } : {}),
      ...(patch.keywords != null ? { keywords: patch.keywords } : {}),
      ...(patch.examples != null ? { examples: patch.examples } : {}),
      ...(patch.parent !== undefined ? { parent: patch.parent } : {}),
    };
    if (merged.description === undefined || merged.description === '') delete merged.description;
    const theme = validateOne(merged, 'input');
    const active = await this.deps.taxonomy.listThemes(false);
    validateWhole(
      active.map((t) => (t.key === key ? theme : toDefinition(t))),
      key,
      'input',
    );
    const changes: ThemePatch = {
      label: theme.label,
      description: theme.description ?? null,
      keywords: theme.keywords,
      examples: theme.examples,
      parent: theme.parent ?? null,
    };
    const updated = await this.deps.taxonomy.updateTheme(key, changes);
    if (!updated) throw new AppError('NOT_FOUND', `theme ${key} not found (or retired meanwhile)`, { field: 'key' });
    return this.changed(key, `updateTheme ${key}`);
  }

  /**
   * Folds the source themes into the target: the target gains their keywords and examples, the
   * sources are retired (pointing at the target), their children move under the target.
   */
  async merge(sourceKeys: string[], targetKey: string): Promise<TaxonomyChange> {
    await this.ensureSeeded();
    const sources = [...new Set(sourceKeys.map((k) => String(k).trim()))];
    if (sources.length === 0) throw new InputError([{ field: 'sourceKeys', message: 'must name at least one theme' }]);
    if (sources.length > MAX_MERGE_SOURCES)
      throw new InputError([{ field: 'sourceKeys', message: `must name at most ${MAX_MERGE_SOURCES} themes` }]);
    if (sources.includes(targetKey))
      throw new InputError([{ field: 'sourceKeys', message: `cannot merge theme "${targetKey}" into itself` }]);
    const target = await this.requireActive(targetKey, 'targetKey');
    const active = await this.deps.taxonomy.listThemes(false);
    const byKey = new Map(active.map((t) => [t.key, t]));
    const problems: FieldProblem[] = [];
    sources.forEach((key, i) => {
      if (!byKey.has(key)) problems.push({ field: `sourceKeys[${i}]`, message: `no active theme "${key}"` });
    });
    if (problems.length) throw new InputError(problems);
    const sourceThemes = sources.map((k) => byKey.get(k)).filter((t) => t !== undefined);

    const mergedTarget = validateOne(
      {
        ...toDefinition(target),
        keywords: unique([...target.keywords, ...sourceThemes.flatMap((t) => t.keywords)]),
        examples: unique([...target.examples, ...sourceThemes.flatMap((t) => t.examples)]),
        // The target may sit under one of the sources: it then moves up to the first ancestor that stays.
        parent: survivingAncestor(target.parent, byKey, new Set(sources)),
      },
      'targetKey',
    );
    const remaining = active
      .filter((t) => !sources.includes(t.key))
      .map((t) =>
        t.key === targetKey ? mergedTarget : { ...toDefinition(t), parent: t.parent && sources.includes(t.parent) ? targetKey : t.parent },
      );
    validateWhole(remaining, targetKey, 'targetKey');

    await this.deps.taxonomy.updateTheme(targetKey, {
      keywords: mergedTarget.keywords,
      examples: mergedTarget.examples,
      parent: mergedTarget.parent ?? null,
    });
    await this.deps.taxonomy.reparent(sources, targetKey);
    // reparent() also moved the target if it sat under a source; restore its surviving ancestor.
    await this.deps.taxonomy.updateTheme(targetKey, { parent: mergedTarget.parent ?? null });
    const at = this.now();
    for (const key of sources) await this.deps.taxonomy.retireTheme(key, targetKey, at);
    return this.changed(targetKey, `mergeThemes ${sources.join(',')} -> ${targetKey}`);
  }

  /** Stops matching a theme; its children move up to its parent. Old analyses keep the key. */
  async retire(key: string): Promise<TaxonomyChange> {
    await this.ensureSeeded();
    const theme = await this.requireActive(key, 'key');
    const active = await this.deps.taxonomy.listThemes(false);
    if (active.length <= 1) throw new InputError([{ field: 'key', message: 'cannot retire the last active theme' }]);
    await this.deps.taxonomy.reparent([key], theme.parent);
    await this.deps.taxonomy.retireTheme(key, null, this.now());
    return this.changed(key, `retireTheme ${key}`);
  }

  private async requireActive(key: string, field: string): Promise<ThemeEntity> {
    const theme = await this.deps.taxonomy.findTheme(String(key));
    if (!theme) throw new AppError('NOT_FOUND', `theme ${key} not found`, { field });
    if (theme.retired) {
      const where = theme.mergedInto ? ` (merged into ${theme.mergedInto})` : '';
      throw new InputError([{ field, message: `theme "${key}" is retired${where}` }]);
    }
    return theme;
  }

  /** Bumps the version and starts the re-analysis of what the change may affect. */
  private async changed(key: string, reason: string): Promise<TaxonomyChange> {
    const version = await this.deps.taxonomy.bumpVersion();
    await this.deps.backfills.start(version, reason);
    const theme = await this.deps.taxonomy.findTheme(key);
    if (!theme) throw new Error(`theme ${key} vanished`);
    this.deps.log.info({ version, reason }, 'taxonomy changed; re-analysis backfill started');
    return { theme, version };
  }
}

function toDefinition(theme: Pick<ThemeEntity, 'key' | 'label' | 'description' | 'keywords' | 'examples' | 'parent'>): ThemeDefinition {
  const definition: ThemeDefinition = {
    key: theme.key,
    label: theme.label,
    keywords: theme.keywords,
    examples: theme.examples,
    parent: theme.parent ?? null,
  };
  if (theme.description) definition.description = theme.description;
  return definition;
}

function toNewTheme(theme: ThemeDefinition): NewTheme {
  return {
    key: theme.key,
    label: theme.label,
    description: theme.description ?? null,
    keywords: theme.keywords,
    examples: theme.examples,
    parent: theme.parent ?? null,
  };
}

function unique(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = item.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function survivingAncestor(parent: string | null, byKey: Map<string, ThemeEntity>, removed: Set<string>): string | null {
  let p = parent;
  const seen = new Set<string>();
  while (p && removed.has(p) && !seen.has(p)) {
    seen.add(p);
    p = byKey.get(p)?.parent ?? null;
  }
  return p && !removed.has(p) ? p : null;
}

function checkKey(key: string, field: string): void {
  if (!key) throw new InputError([{ field, message: 'must not be empty' }]);
  if (key.length > TAXONOMY_LIMITS.keyLength)
    throw new InputError([{ field, message: `must be at most ${TAXONOMY_LIMITS.keyLength} characters` }]);
  if (!THEME_KEY.test(key))
    throw new InputError([
      { field, message: `must be snake_case (lower-case letters, digits, underscores, starting with a letter), got "${key}"` },
    ]);
}

function keyTaken(existing: Pick<ThemeEntity, 'key' | 'retired'>): AppError {
  return existing.retired
    ? new AppError(
        'CONFLICT',
        `theme key "${existing.key}" belonged to a retired theme; keys are never reused so old analyses stay unambiguous`,
        { field: 'input.key' },
      )
    : new AppError('CONFLICT', `theme "${existing.key}" already exists`, { field: 'input.key' });
}

/** `invalid taxonomy: themes[0].keywords[3]: must not be empty` → field `input.keywords[3]`. */
const TAXONOMY_ERROR = /^invalid taxonomy: (?:themes\[\d+\]\.)?([A-Za-z]+(?:\[\d+\])?)(?:\.[\w[\]]+)?: (.*)$/s;

function toInputError(err: unknown, prefix: string): InputError {
  const message = err instanceof Error ? err.message : String(err);
  const match = TAXONOMY_ERROR.exec(message);
  if (!match) return new InputError([{ field: prefix, message }]);
  const field = match[1] === 'themes' ? prefix : prefix === 'input' ? `input.${match[1]}` : prefix;
  return new InputError([{ field, message: match[2] }]);
}

/** Field-level checks of one theme (labels, keyword lists, limits); the parent is checked with the whole. */
function validateOne(theme: ThemeDefinition | ThemeInputData, prefix: string): ThemeDefinition {
  const candidate: Record<string, unknown> = {
    key: theme.key,
    label: theme.label,
    keywords: theme.keywords ?? [],
    examples: theme.examples ?? [],
  };
  if (theme.description != null && theme.description !== '') candidate.description = theme.description;
  let cleaned: ThemeDefinition;
  try {
    cleaned = validateTaxonomy({ themes: [candidate] }).themes[0];
  } catch (err) {
    throw toInputError(err, prefix);
  }
  const parent = typeof theme.parent === 'string' ? theme.parent.trim() : null;
  return { ...cleaned, parent: parent || null };
}

/** Whole-taxonomy checks: duplicate keys, unknown parents, cycles, size limits. */
function validateWhole(themes: ThemeDefinition[], changedKey: string, prefix: string): void {
  try {
    validateTaxonomy({ themes });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /^invalid taxonomy: themes\[(\d+)\]\.(\w+)/.exec(message);
    const culprit = at ? themes[Number(at[1])] : undefined;
    const field = at?.[2] === 'parent' && culprit?.key === changedKey ? (prefix === 'input' ? 'input.parent' : prefix) : prefix;
    throw new InputError([{ field, message: message.replace(/^invalid taxonomy: /, '') }]);
  }
}
