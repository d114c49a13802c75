import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A published industry NPS figure, with its source: never computed by Verbatim.' })
export class Benchmark {
  @Field(() => String, { description: 'Industry the benchmark NPS belongs to.' })
  industry!: string;

  @Field(() => String, { description: 'Region the figure covers, e.g. Global or North America.' })
  region!: string;

  @Field(() => Int, { description: 'Year the figure was published for.' })
  year!: number;

  @Field(() => String, { description: 'AVERAGE or MEDIAN, as the source states it.' })
  statistic!: string;

  @Field(() => Float, { description: 'NPS, −100…100.' })
  value!: number;

  @Field(() => String, { description: 'Name of the publication.' })
  source!: string;

  @Field(() => String, { description: 'Link to the publication.' })
  url!: string;
}
