/** Inputs of the insight queries (the filter is the shared ResponseFilter). */
import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Split a trend into one series per touchpoint or per value of one attribute (give one of the two).' })
export class TrendGroupBy {
  @Field(() => Boolean, { nullable: true, description: 'True: one series per touchpoint.' })
  touchpoint?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: 'Attribute key, e.g. region, or account_value_band for spend bands (VERBATIM_ACCOUNT_VALUE_BANDS).',
  })
  attribute?: string | null;
}
