import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { InvitationEntity, SurveyRuleEntity } from '../../models/programme/programme.entity.js';
import type { Context } from '../context.js';
import { INGEST_ROLES, READ_ROLES } from '../auth/roles.js';
import { scopeOf } from '../auth/scope.js';
import { mayReadPii } from '../customer/customer.resolver.js';
import { ImportResult } from '../response/response.types.js';
import {
  BusinessCalendar,
  BusinessCalendarInput,
  ContactRules,
  ContactRulesInput,
  DispatchTick,
  CreateSurveyRuleInput,
  ResponseRate,
  ResponseRateGroupBy,
  SurveyInvitation,
  SurveyInvitationConnection,
  SurveyInvitationFilter,
  SurveyRule,
  TeamCapacity,
  TouchpointEvent,
  TouchpointEventInput,
  UpdateSurveyRuleInput,
  type InvitationStatus,
  type SurveyKind,
} from './programme.types.js';

/** Who may read invitations and rates; a scoped MANAGER sees only invitations within its scope. */
const PROGRAMME_READ_ROLES = ['INGEST', 'ANALYST', 'MANAGER'] as const;

const toRule = (r: SurveyRuleEntity): SurveyRule => ({ ...r, id: r._id.toHexString(), kind: r.kind as SurveyKind });

/** `withEmail`: the caller may read personal data (mayReadPii); others get a null e-mail. */
function toInvitation(i: InvitationEntity, withEmail: boolean): SurveyInvitation {
  return {
    id: i._id.toHexString(),
    customer: { externalId: i.customerId, email: withEmail ? i.email : null, locale: i.locale, timeZone: i.timeZone },
    touchpoint: i.touchpoint,
    kind: i.kind as SurveyKind,
    channel: i.channel,
    team: i.team,
    dueAt: i.dueAt,
    status: i.status as InvitationStatus,
    skipRule: i.skipRule,
    skipReason: i.skipDetail,
    plannedAt: i.plannedAt,
    sentAt: i.sentAt,
    respondedAt: i.respondedAt,
    responseId: i.responseId?.toHexString() ?? null,
    attributes: i.attributes,
  };
}

const filterOf = (f: SurveyInvitationFilter | null) => ({
  statuses: f?.statuses,
  touchpoints: f?.touchpoints,
  customerId: f?.customerExternalId,
  from: f?.from,
  to: f?.to,
});

@Resolver()
export class ProgrammeResolver {
  @Authorized([...INGEST_ROLES])
  @Mutation(() => TouchpointEvent, {
    description:
      'Records a touchpoint event (order delivered, ticket closed…); the dispatch planner turns it into a survey invitation when due. Idempotent by externalId. Unknown touchpoints and invalid time zones fail with BAD_USER_INPUT naming the field.',
  })
  async recordTouchpointEvent(
    @Arg('input', () => TouchpointEventInput, { description: 'The touchpoint event (deduplicated by `externalId`).' })
    input: TouchpointEventInput,
    @Ctx() ctx: Context,
  ): Promise<TouchpointEvent> {
    const { event, duplicate } = await ctx.services.programme.recordEvent(input);
    return { ...event, id: event._id.toHexString(), customerExternalId: event.customerId, duplicate };
  }

  @Authorized([...INGEST_ROLES])
  @Mutation(() => ImportResult, {
    description:
      'Records up to VERBATIM_MAX_IMPORT_ROWS (default 5,000) touchpoint events, each as recordTouchpointEvent; valid rows are stored even when others fail (errors name the row and field). Replays by externalId count as duplicates. `verbatim import-events` sends files through it.',
  })
  async importTouchpointEvents(
    @Arg('input', () => [TouchpointEventInput], { description: 'The touchpoint events; each is deduplicated by `externalId`.' })
    input: TouchpointEventInput[],
    @Ctx() ctx: Context,
  ): Promise<ImportResult> {
    return ctx.services.programme.importEvents(input);
  }

  @Mutation(() => Boolean, {
    description: 'Opts a customer out of (or back into) surveys; the planner skips opted-out customers with OPTED_OUT.',
  })
  async setSurveyOptOut(
    @Arg('customerExternalId', () => String, { description: 'Id of the customer in the source system.' }) customerExternalId: string,
    @Arg('optedOut', () => Boolean, { description: 'True opts the customer out of surveys, false back in.' }) optedOut: boolean,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.programme.setOptOut(customerExternalId, optedOut);
  }

  @Authorized(READ_ROLES)
  @Query(() => [String], {
    description:
      'Touchpoints in the order customers meet them: as set by setJourney, else VERBATIM_JOURNEY_TOUCHPOINTS; empty when neither names one. Touchpoints not listed have no place in it.',
  })
  journey(@Ctx() ctx: Context): Promise<string[]> {
    return ctx.services.programme.journey();
  }

  @Mutation(() => [String], {
    description:
      'Sets the customer journey: touchpoints in the order customers meet them (the app lists touchpoints this way). An empty list goes back to VERBATIM_JOURNEY_TOUCHPOINTS. Invalid names, a touchpoint listed twice or more than 50 fail with BAD_USER_INPUT naming the entry. ADMIN only.',
  })
  setJourney(
    @Arg('touchpoints', () => [String], {
      description: 'Touchpoint names, first met first, e.g. ["onboarding_complete", "support_ticket_closed", "renewal"].',
    })
    touchpoints: string[],
    @Ctx() ctx: Context,
  ): Promise<string[]> {
    return ctx.services.programme.setJourney(touchpoints);
  }

  @Query(() => [SurveyRule], { description: 'Every survey rule, by touchpoint.' })
  async surveyRules(@Ctx() ctx: Context): Promise<SurveyRule[]> {
    return (await ctx.services.programme.listRules()).map(toRule);
  }

  @Mutation(() => SurveyRule, {
    description:
      'Adds the survey rule of a touchpoint. Negative delays, a sample rate of 0 and rules that can never fire fail with BAD_USER_INPUT naming the field.',
  })
  async createSurveyRule(
    @Arg('input', () => CreateSurveyRuleInput, { description: 'The new survey rule (one per touchpoint).' }) input: CreateSurveyRuleInput,
    @Ctx() ctx: Context,
  ): Promise<SurveyRule> {
    return toRule(await ctx.services.programme.createRule(input));
  }

  @Mutation(() => SurveyRule, { description: 'Changes the fields given; events already planned keep their invitations.' })
  async updateSurveyRule(
    @Arg('id', () => ID, { description: 'Id of the survey rule to change.' }) id: string,
    @Arg('input', () => UpdateSurveyRuleInput, { description: 'Fields to change; omitted fields keep their value.' })
    input: UpdateSurveyRuleInput,
    @Ctx() ctx: Context,
  ): Promise<SurveyRule> {
    return toRule(await ctx.services.programme.updateRule(id, input));
  }

  @Mutation(() => Boolean, { description: 'Deletes a survey rule; pending events of its touchpoint are then skipped with RULE_DISABLED.' })
  async deleteSurveyRule(
    @Arg('id', () => ID, { description: 'Id of the survey rule to delete.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.programme.deleteRule(id);
  }

  @Query(() => ContactRules, { description: 'Contact-frequency (fatigue) rules in force.' })
  async contactRules(@Ctx() ctx: Context): Promise<ContactRules> {
    return ctx.services.programme.contactRules();
  }

  @Mutation(() => ContactRules, {
    description: 'Sets contact-frequency rules: days between surveys, per touchpoint, per account, quiet hours.',
  })
  async setContactRules(
    @Arg('input', () => ContactRulesInput, { description: 'The new contact rules; replace the current ones.' }) input: ContactRulesInput,
    @Ctx() ctx: Context,
  ): Promise<ContactRules> {
    return ctx.services.programme.setContactRules(input);
  }

  @Query(() => BusinessCalendar, { description: 'Business days, public holidays and business hours surveys are released in.' })
  async businessCalendar(@Ctx() ctx: Context): Promise<BusinessCalendar> {
    return ctx.services.programme.calendar();
  }

  @Mutation(() => BusinessCalendar, { description: 'Sets the business calendar (public holidays as data).' })
  async setBusinessCalendar(
    @Arg('input', () => BusinessCalendarInput, { description: 'The new business calendar; replaces the current one.' })
    input: BusinessCalendarInput,
    @Ctx() ctx: Context,
  ): Promise<BusinessCalendar> {
    return ctx.services.programme.setCalendar(input);
  }

  @Query(() => [TeamCapacity], { description: 'Daily survey capacity of each team that has one.' })
  async teamCapacities(@Ctx() ctx: Context): Promise<TeamCapacity[]> {
    return (await ctx.services.programme.listTeamCapacities()).map((c) => ({ team: c._id, perDay: c.perDay }));
  }

  @Mutation(() => TeamCapacity, {
    description: "Sets how many surveys of a team's rules the planner releases per day (its day in the calendar's time zone).",
  })
  async setTeamCapacity(
    @Arg('team', () => String, { description: 'Team name (a survey rule’s `team`).' }) team: string,
    @Arg('perDay', () => Int, { description: 'Most surveys of the team’s rules released per day.' }) perDay: number,
    @Ctx() ctx: Context,
  ): Promise<TeamCapacity> {
    const set = await ctx.services.programme.setTeamCapacity(team, perDay);
    return { team: set._id, perDay: set.perDay };
  }

  @Authorized([...PROGRAMME_READ_ROLES])
  @Query(() => SurveyInvitationConnection, {
    description:
      'Survey invitations matching the filter, newest first, cursor-paginated. A scoped MANAGER key sees only invitations whose attributes carry its scope.',
  })
  async surveyInvitations(
    @Arg('filter', () => SurveyInvitationFilter, { nullable: true, description: 'Which invitations; all when omitted.' })
    filter: SurveyInvitationFilter | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<SurveyInvitationConnection> {
    const page = await ctx.services.programme.invitations(filterOf(filter), first, after, scopeOf(ctx));
    return {
      totalCount: page.totalCount,
      edges: page.edges.map((e) => ({ cursor: e.cursor, node: toInvitation(e.node, mayReadPii(ctx)) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  @Authorized([...INGEST_ROLES])
  @Mutation(() => SurveyInvitation, {
    description: 'The sending tool reports an invitation sent: QUEUED → SENT (repeating it is harmless).',
  })
  async markInvitationSent(
    @Arg('id', () => ID, { description: 'Id of the invitation the sending tool has sent.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<SurveyInvitation> {
    return toInvitation(await ctx.services.programme.markSent(id), mayReadPii(ctx));
  }

  @Authorized([...PROGRAMME_READ_ROLES])
  @Query(() => [ResponseRate], {
    description:
      'Invitations, responses, rate and median time to respond, by touchpoint or by one attribute: where customers are heard and where not. A scoped MANAGER key counts only invitations within its scope.',
  })
  async responseRates(
    @Arg('filter', () => SurveyInvitationFilter, { nullable: true, description: 'Which invitations; all when omitted.' })
    filter: SurveyInvitationFilter | null,
    @Arg('groupBy', () => ResponseRateGroupBy, {
      defaultValue: ResponseRateGroupBy.TOUCHPOINT,
      description: 'Rows per touchpoint (default) or per value of an attribute.',
    })
    groupBy: ResponseRateGroupBy,
    @Arg('attributeKey', () => String, { nullable: true, description: 'The attribute to group by (groupBy: ATTRIBUTE).' })
    attributeKey: string | null,
    @Ctx() ctx: Context,
  ): Promise<ResponseRate[]> {
    return ctx.services.programme.responseRates(filterOf(filter), groupBy, attributeKey, scopeOf(ctx));
  }

  @Query(() => [DispatchTick], { description: "The dispatch planner's latest ticks, newest first." })
  async dispatchTicks(
    @Arg('first', () => Int, { nullable: true, description: 'How many (default 20).' }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<DispatchTick[]> {
    return (await ctx.services.programme.ticks(first)).map(({ _id, relationship, ...t }) => ({
      tick: _id,
      relationship: relationship ?? 0,
      ...t,
    }));
  }
}
