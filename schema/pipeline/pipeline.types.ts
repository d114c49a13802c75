/** Object types of analysis progress. */
import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Job counts of the analysis queue (all responses, not one import).' })
export class AnalysisQueueCounts {
  @Field(() => Int, { description: 'Analysis jobs waiting for a worker.' })
  waiting!: number;

  @Field(() => Int, { description: 'Analysis jobs being processed now.' })
  active!: number;

  @Field(() => Int, { description: 'Waiting for a retry after a failed attempt.' })
  delayed!: number;

  @Field(() => Int, { description: 'Recently completed (bounded history).' })
  completed!: number;

  @Field(() => Int, { description: 'Failed after every retry (bounded history).' })
  failed!: number;
}

@ObjectType({
  description:
    'How far the analysis of an import (or of everything) has got. Counts are computed only for the fields asked for; each asks the database for one pass over the responses concerned.',
})
export class ImportProgress {
  @Field(() => String, { nullable: true, description: 'The x-request-id the import was sent with; null: all responses.' })
  requestId!: string | null;

  // Resolved by ImportProgressResolver.
  total?: number;
  pending?: number;
  done?: number;
  failed?: number;
  complete?: boolean;
  effectsPending?: number;
  queue?: AnalysisQueueCounts;
}
