/** GraphQL shapes of teams (who shares follow-up work). */
import { Field, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'A team: members take its follow-ups round-robin (routing rules with assignMode TEAM); the same name carries its daily survey capacity (setTeamCapacity).',
})
export class Team {
  @Field(() => String, { description: 'Team name (the one routing rules, survey rules and setTeamCapacity use).' })
  name!: string;

  @Field(() => [String], { description: 'Who take the team’s follow-ups in turn, in this order.' })
  members!: string[];

  @Field(() => String, { description: 'Takes a follow-up when every member is at the cap.' })
  lead!: string;

  @Field(() => Int, { nullable: true, description: 'Open follow-ups (of this team) a member may hold before being skipped; null: no cap.' })
  maxOpenPerMember!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Surveys the planner releases per day for this team (setTeamCapacity); null: none set.',
  })
  capacityPerDay!: number | null;
}

@InputType({ description: 'A team’s members, lead and per-person cap (creates the team or replaces these three; its capacity stays).' })
export class TeamInput {
  @Field(() => String, { description: 'Team name: 1–100 letters, digits, "_", ".", ":" or "-".' })
  name!: string;

  @Field(() => [String], { description: 'Members in turn order, at least one, no repeats.' })
  members!: string[];

  @Field(() => String, { description: 'Team lead: takes the overflow when every member is at the cap.' })
  lead!: string;

  @Field(() => Int, { nullable: true, description: 'Open follow-ups per member before their turn is skipped (1–100000); omitted: no cap.' })
  maxOpenPerMember?: number | null;
}
