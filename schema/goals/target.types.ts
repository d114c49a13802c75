import { Field, Float, ID, InputType, ObjectType } from 'type-graphql';
import { Attribute, AttributeInput } from '../common/attribute.types.js';
import { PageInfo } from '../common/page-info.js';
import { DateTime } from '../common/scalars.js';

@InputType({ description: 'An NPS target: the NPS a scope (or a team or owner within it) should reach by a date.' })
export class SetTargetInput {
  @Field(() => [AttributeInput], {
    description: 'Attributes of the responses the target is about (AND); empty: all responses. A scoped key stays within its scope.',
  })
  scope!: AttributeInput[];

  @Field(() => Float, { description: 'The NPS to reach, −100…100.' })
  nps!: number;

  @Field(() => DateTime, { description: 'When it should be reached (in the future).' })
  by!: Date;

  @Field(() => String, { nullable: true, description: 'A team within the scope (its responses carry VERBATIM_TEAM_ATTRIBUTE = team).' })
  team?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'An owner within the scope (its responses carry VERBATIM_OWNER_ATTRIBUTE = owner); not with team.',
  })
  owner?: string | null;
}

@ObjectType({ description: 'Where an NPS figure stands against its target, and whether it keeps a linear pace from the baseline.' })
export class TargetProgress {
  @Field(() => Float, { nullable: true, description: 'The NPS measured (the figure the target is shown with); null without responses.' })
  current!: number | null;

  @Field(() => Float, { nullable: true, description: 'Target minus current, in points: positive still to gain, zero or negative reached.' })
  gap!: number | null;

  @Field(() => Float, { description: 'Share of the time from setAt to by that has passed, 0–1.' })
  elapsed!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Where a straight line from the baseline (at setAt) to the target (at by) is now; null without a baseline.',
  })
  expected!: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Current at or above the expected pace (the target itself without a baseline); null without a current NPS.',
  })
  onTrack!: boolean | null;

  @Field(() => Boolean, { description: 'Current at or above the target.' })
  reached!: boolean;
}

@ObjectType({ description: 'An NPS target of a scope, or of a team or owner within it, with its progress.' })
export class NpsTarget {
  @Field(() => ID, { description: 'Id of the target (pass it to deleteTarget).' })
  id!: string;

  @Field(() => [Attribute], { description: 'The scope (empty: all responses).' })
  scope!: Attribute[];

  @Field(() => String, { nullable: true, description: 'The team within the scope, for a team target.' })
  team!: string | null;

  @Field(() => String, { nullable: true, description: 'The owner within the scope, for an owner target.' })
  owner!: string | null;

  @Field(() => Float, { description: 'The NPS to reach.' })
  nps!: number;

  @Field(() => DateTime, { description: 'When it should be reached.' })
  by!: Date;

  @Field(() => DateTime, { description: 'When this target value and date were set: the start of the pace.' })
  setAt!: Date;

  @Field(() => Float, { nullable: true, description: 'NPS of the 13 weeks before setAt (null without responses then).' })
  baselineNps!: number | null;

  @Field(() => String, { description: 'How charts label it, e.g. "Target +30 by 2027-03-31".' })
  label!: string;

  @Field(() => TargetProgress, {
    description:
      'Progress measured on the figure the target is shown with: the nps result, the report’s last 13 weeks, the leaderboard row; in `targets` and `setTarget`, the last 13 weeks.',
  })
  progress!: TargetProgress;
}

@ObjectType({ description: 'A target of the page, with its cursor.' })
export class NpsTargetEdge {
  @Field(() => String, { description: 'Pass as `after` for the next page.' })
  cursor!: string;

  @Field(() => NpsTarget, { description: 'The target.' })
  node!: NpsTarget;
}

@ObjectType({ description: 'A page of targets, oldest first.' })
export class NpsTargetConnection {
  @Field(() => [NpsTargetEdge], { description: 'This page.' })
  edges!: NpsTargetEdge[];

  @Field(() => PageInfo, { description: 'Paging.' })
  pageInfo!: PageInfo;
}
