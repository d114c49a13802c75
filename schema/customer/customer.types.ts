import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Attribute } from '../common/attribute.types.js';
import { DateTime } from '../common/scalars.js';

@ObjectType({ description: 'One of a customer’s scores, oldest first in `scoreHistory`.' })
export class ScorePoint {
  @Field(() => ID, { description: 'Id of the response.' })
  responseId!: string;

  @Field(() => Int, { description: 'The 0–10 score.' })
  score!: number;

  @Field(() => DateTime, { description: 'When the customer answered.' })
  respondedAt!: Date;
}

@ObjectType({ description: 'A customer, upserted by externalId from their responses.' })
export class Customer {
  @Field(() => String, { description: 'Customer id in the source system.' })
  externalId!: string;

  @Field(() => String, { nullable: true, description: 'Personal data: visible only to roles allowed to see it.' })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'Personal data: visible only to roles allowed to see it.' })
  email!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Account value (spend) last sent with one of the customer’s responses; null if never sent.',
  })
  accountValue!: number | null;

  @Field(() => [Attribute], { description: 'Attributes of the latest response.' })
  attributes!: Attribute[];

  @Field(() => Int, { description: 'Responses of the customer (within the key’s scope).' })
  responseCount!: number;

  @Field(() => Int, { nullable: true, description: 'Score of the most recent response (by respondedAt).' })
  latestScore!: number | null;

  @Field(() => String, { nullable: true, description: 'Sentiment label of the latest analysed response.' })
  latestSentiment!: string | null;

  @Field(() => [ScorePoint], { description: 'Up to the last 100 scores, oldest first.' })
  scoreHistory!: ScorePoint[];
}
