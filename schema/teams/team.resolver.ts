/** Teams: ADMIN keys only (no @Authorized: root fields default to ADMIN). */
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { Team, TeamInput } from './team.types.js';

@Resolver(() => Team)
export class TeamResolver {
  @Query(() => [Team], { description: 'Teams defined by setTeam, by name, with their daily capacity when one is set.' })
  async teams(@Ctx() ctx: Context): Promise<Team[]> {
    return ctx.services.teams.list();
  }

  @Mutation(() => Team, {
    description:
      'Creates a team or replaces its members, lead and cap; the round-robin restarts with the first member. Bad input fails with BAD_USER_INPUT naming the field (input.members[1], input.maxOpenPerMember …).',
  })
  async setTeam(
    @Arg('input', () => TeamInput, { description: 'Name, members, lead and open-alert cap of the team.' })
    input: TeamInput,
    @Ctx() ctx: Context,
  ): Promise<Team> {
    return ctx.services.teams.set(input);
  }
}
