/** Object types of the theme taxonomy and of its re-analysis backfills. */
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '../common/scalars.js';

@ObjectType({ description: 'A theme of the taxonomy: what people talk about (billing, onboarding …).' })
export class Theme {
  @Field(() => String, { description: 'Stable snake_case key: never changes, never reused, so trends survive renames.' })
  key!: string;

  @Field(() => String, { description: 'Display name of the theme.' })
  label!: string;

  @Field(() => String, { nullable: true, description: 'What the theme covers, in words; null if none.' })
  description!: string | null;

  @Field(() => [String], { description: 'Words and phrases that signal the theme (matched on lemmas and synonyms).' })
  keywords!: string[];

  @Field(() => [String], { description: 'Example verbatims: comments similar to them match the theme.' })
  examples!: string[];

  @Field(() => String, { nullable: true, description: 'Key of the parent theme.' })
  parent!: string | null;

  @Field(() => Boolean, { description: 'Retired themes are no longer matched; old analyses that mention them stay readable.' })
  retired!: boolean;

  @Field(() => String, { nullable: true, description: 'The theme this one was merged into.' })
  mergedInto!: string | null;

  @Field(() => DateTime, { description: 'When the theme was created.' })
  createdAt!: Date;

  @Field(() => DateTime, { description: 'When the theme was last changed.' })
  updatedAt!: Date;
}

export enum BackfillStatus {
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  SUPERSEDED = 'SUPERSEDED',
}
registerEnumType(BackfillStatus, {
  name: 'BackfillStatus',
  description: 'Where the scan of a re-analysis backfill is.',
  valuesConfig: {
    RUNNING: { description: 'Scanning responses and queueing the affected ones.' },
    DONE: { description: 'Every affected response is queued (see `pending` for what is left to analyse).' },
    SUPERSEDED: { description: 'A newer taxonomy change started its own backfill, which covers this one.' },
  },
});

@ObjectType({
  description:
    'Re-analysis of the responses a taxonomy change may affect (every response with a comment not yet analysed with this version).',
})
export class TaxonomyBackfill {
  @Field(() => Int, { description: 'The taxonomy version the responses are re-analysed with.' })
  version!: number;

  @Field(() => String, { description: 'The change that started it.' })
  reason!: string;

  @Field(() => BackfillStatus, { description: 'Where the scan of the re-analysis is.' })
  status!: BackfillStatus;

  @Field(() => DateTime, { description: 'When the re-analysis started.' })
  startedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the scan finished or was superseded.' })
  finishedAt!: Date | null;

  @Field(() => Int, { description: 'Responses the scan has looked at.' })
  scanned!: number;

  @Field(() => Int, { description: 'Responses queued for re-analysis (final once status is DONE).' })
  total!: number;

  @Field(() => Int, { description: 'Re-analysed (or taken over by a newer change).' })
  done!: number;

  @Field(() => Int, { description: 'Waiting for re-analysis; their previous analysis stays readable meanwhile.' })
  pending!: number;

  @Field(() => Int, { description: 'Re-analysis failed after every retry; the previous analysis stays.' })
  failed!: number;

  @Field(() => Boolean, { description: 'Scan finished and nothing left pending.' })
  complete!: boolean;
}

@ObjectType({ description: 'The outcome of a taxonomy change.' })
export class TaxonomyChange {
  @Field(() => Theme, { description: 'The created, updated, retired or merge-target theme.' })
  theme!: Theme;

  @Field(() => Int, { description: 'The taxonomy version after the change; its backfill re-analyses affected responses.' })
  version!: number;
}
