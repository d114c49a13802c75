/** Input of `correctAnalysis`. Theme keys are checked against the taxonomy by the service, which names the field. */
import { Field, InputType } from 'type-graphql';
import { SentimentLabel } from '../common/enums.js';

@InputType({ description: 'What a person says the analysis should be. Omitted fields keep their current (or earlier corrected) value.' })
export class CorrectionInput {
  @Field(() => [String], { nullable: true, description: 'Theme keys of the taxonomy in force the verbatim mentions; [] for none.' })
  themes?: string[] | null;

  @Field(() => SentimentLabel, { nullable: true, description: 'The overall sentiment of the verbatim.' })
  sentiment?: SentimentLabel | null;
}
