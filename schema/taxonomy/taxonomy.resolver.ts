import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { READ_ROLES } from '../auth/roles.js';
import { assertUnscoped } from '../auth/scope.js';
import { CreateThemeInput, UpdateThemeInput } from './theme.inputs.js';
import { toBackfill, toTheme } from './theme.mapper.js';
import { TaxonomyBackfill, TaxonomyChange, Theme } from './theme.types.js';

@Resolver(() => Theme)
export class TaxonomyResolver {
  @Authorized(READ_ROLES)
  @Query(() => [Theme], { description: 'The themes of the taxonomy, by key.' })
  async themes(
    @Arg('includeRetired', () => Boolean, { nullable: true, description: 'Also list retired themes (default false).' })
    includeRetired: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<Theme[]> {
    return (await ctx.services.taxonomy.list(includeRetired === true)).map(toTheme);
  }

  @Authorized(READ_ROLES)
  @Query(() => Theme, { nullable: true, description: 'One theme by key (retired ones too); null if there is none.' })
  async theme(
    @Arg('key', () => String, { description: 'Stable key of the theme.' }) key: string,
    @Ctx() ctx: Context,
  ): Promise<Theme | null> {
    const theme = await ctx.services.taxonomy.get(key);
    return theme ? toTheme(theme) : null;
  }

  @Authorized(READ_ROLES)
  @Query(() => Int, { description: 'Current taxonomy version; every change bumps it. Analyses record the version they used.' })
  async taxonomyVersion(@Ctx() ctx: Context): Promise<number> {
    return ctx.services.taxonomy.version();
  }

  @Authorized(READ_ROLES)
  @Query(() => TaxonomyBackfill, {
    nullable: true,
    description: 'Progress of the re-analysis a taxonomy version started (default: the latest); null if none.',
  })
  async taxonomyBackfill(
    @Arg('version', () => Int, { nullable: true, description: 'Taxonomy version whose re-analysis is reported; default the latest.' })
    version: number | null,
    @Ctx() ctx: Context,
  ): Promise<TaxonomyBackfill | null> {
    assertUnscoped(ctx, 'taxonomyBackfill'); // its counts cover every response
    const progress = await ctx.services.backfills.progress(version);
    return progress ? toBackfill(progress) : null;
  }

  @Authorized()
  @Mutation(() => TaxonomyChange, { description: 'Adds a theme; affected responses are re-analysed in the background.' })
  async createTheme(
    @Arg('input', () => CreateThemeInput, { description: 'The new theme.' }) input: CreateThemeInput,
    @Ctx() ctx: Context,
  ): Promise<TaxonomyChange> {
    const { theme, version } = await ctx.services.taxonomy.create(input);
    return { theme: toTheme(theme), version };
  }

  @Authorized()
  @Mutation(() => TaxonomyChange, { description: 'Edits a theme (its key never changes); affected responses are re-analysed.' })
  async updateTheme(
    @Arg('key', () => String, { description: 'Key of the theme to change.' }) key: string,
    @Arg('input', () => UpdateThemeInput, { description: 'Fields to change; omitted fields keep their value.' }) input: UpdateThemeInput,
    @Ctx() ctx: Context,
  ): Promise<TaxonomyChange> {
    const { theme, version } = await ctx.services.taxonomy.update(key, input);
    return { theme: toTheme(theme), version };
  }

  @Authorized()
  @Mutation(() => TaxonomyChange, {
    description:
      'Folds the source themes into the target (keywords and examples move over, sources are retired); affected responses are re-analysed.',
  })
  async mergeThemes(
    @Arg('sourceKeys', () => [String], { description: 'Keys of the themes merged into the target; they are retired.' })
    sourceKeys: string[],
    @Arg('targetKey', () => String, { description: 'Key of the theme that remains.' }) targetKey: string,
    @Ctx() ctx: Context,
  ): Promise<TaxonomyChange> {
    const { theme, version } = await ctx.services.taxonomy.merge(sourceKeys, targetKey);
    return { theme: toTheme(theme), version };
  }

  @Authorized()
  @Mutation(() => TaxonomyChange, { description: 'Stops matching a theme (its children move up); old analyses keep it until re-analysed.' })
  async retireTheme(
    @Arg('key', () => String, { description: 'Key of the theme to retire.' }) key: string,
    @Ctx() ctx: Context,
  ): Promise<TaxonomyChange> {
    const { theme, version } = await ctx.services.taxonomy.retire(key);
    return { theme: toTheme(theme), version };
  }
}
