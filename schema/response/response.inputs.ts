/** Inputs for submitting and filtering responses. Ranges are checked by the ingest service, which names the field. */
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { AttributeInput } from '../common/attribute.types.js';
import { AnalysisStatus, NpsCategory } from '../common/enums.js';
import { DateTime } from '../common/scalars.js';

@InputType({ description: 'The customer who answered; upserted by externalId.' })
export class CustomerInput {
  @Field(() => String, { description: 'Customer id in the source system; responses with the same id belong to one customer.' })
  externalId!: string;

  @Field(() => String, { nullable: true, description: 'Name (personal data: visible only to ADMIN and MANAGER keys).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail address (personal data: visible only to ADMIN and MANAGER keys).' })
  email?: string | null;

  @Field(() => Float, { nullable: true, description: 'Yearly account value, in your currency.' })
  accountValue?: number | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag for surveys, e.g. de-DE (survey programme contact field).' })
  locale?: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone, e.g. Europe/Berlin: surveys are released in business hours there.' })
  timeZone?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True: never survey this customer (the planner skips them with OPTED_OUT); false opts back in.',
  })
  optedOut?: boolean | null;
}

@InputType({ description: 'An NPS response as a survey tool sends it.' })
export class ResponseInput {
  @Field(() => String, { nullable: true, description: 'Id in the survey tool: makes submits idempotent (max 200 characters).' })
  externalId?: string | null;

  @Field(() => Int, { description: 'Integer 0–10.' })
  score!: number;

  @Field(() => String, { nullable: true, description: 'The verbatim, up to 5,000 characters (longer is rejected).' })
  comment?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When the customer answered (default: now); not in the future.' })
  respondedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Journey point, e.g. onboarding, support_closed, renewal.' })
  touchpoint?: string | null;

  @Field(() => String, { nullable: true, description: 'Channel the survey was answered in, e.g. email.' })
  channel?: string | null;

  @Field(() => CustomerInput, { nullable: true, description: 'The customer who answered; omit for anonymous responses.' })
  customer?: CustomerInput | null;

  @Field(() => [AttributeInput], { nullable: true, description: 'Segment attributes (at most 50, keys unique).' })
  attributes?: AttributeInput[] | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The survey invitation this answers (SurveyInvitation.id): marks it RESPONDED. An unknown or skipped invitation is refused before the response is stored.',
  })
  invitationId?: string | null;
}

@InputType({ description: 'Which responses a query covers. All given conditions must hold.' })
export class ResponseFilter {
  @Field(() => DateTime, { nullable: true, description: 'respondedAt ≥ from.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'respondedAt < to.' })
  to?: Date | null;

  @Field(() => [NpsCategory], { nullable: true, description: 'Any of these NPS categories.' })
  categories?: NpsCategory[] | null;

  @Field(() => [String], { nullable: true, description: 'Any of these touchpoints.' })
  touchpoints?: string[] | null;

  @Field(() => [AttributeInput], { nullable: true, description: 'Same key twice means either value; different keys must all match.' })
  attributes?: AttributeInput[] | null;

  @Field(() => [String], { nullable: true, description: 'Theme keys: responses mentioning any of them.' })
  themes?: string[] | null;

  @Field(() => AnalysisStatus, { nullable: true, description: 'Only responses in this analysis status.' })
  analysisStatus?: AnalysisStatus | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive text the comment contains.' })
  search?: string | null;
}
