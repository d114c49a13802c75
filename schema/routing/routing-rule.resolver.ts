import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RoutingRuleEntity } from '../../models/routing/routing-rule.entity.js';
import type { RoutingRuleInput as ServiceInput } from '../../src/services/alerts/routing-rules.service.js';
import type { Context } from '../context.js';
import type { AlertChannel, AssignMode, FollowUpTask } from './routing.enums.js';
import { RoutingRule, RoutingRuleInput } from './routing-rule.types.js';

function toRoutingRule(rule: RoutingRuleEntity): RoutingRule {
  return {
    id: rule._id,
    name: rule.name,
    enabled: rule.enabled,
    position: rule.position,
    categories: rule.match.categories,
    minRiskLevel: rule.match.minRiskLevel,
    touchpoints: rule.match.touchpoints,
    themes: rule.match.themes,
    attributes: rule.match.attributes,
    assignMode: rule.assign.mode as AssignMode,
    assignAttribute: rule.assign.attribute,
    assignMapping: rule.assign.mapping,
    assignee: rule.assign.assignee,
    team: rule.team,
    slaHours: rule.slaHours,
    slaBusinessHours: rule.slaBusinessHours ?? false,
    escalateTo: rule.escalateTo ?? null,
    channels: rule.channels as AlertChannel[],
    task: rule.task as FollowUpTask,
    taskPerCategory: rule.taskPerCategory ?? false,
    reviewUrl: rule.reviewUrl ?? null,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
  };
}

const toInput = (input: RoutingRuleInput) => input as unknown as ServiceInput;

/** Rule management is for ADMIN keys only. */
@Resolver(() => RoutingRule)
export class RoutingRuleResolver {
  @Authorized(['ADMIN'])
  @Query(() => [RoutingRule], { description: 'Every routing rule, in evaluation order.' })
  async routingRules(@Ctx() ctx: Context): Promise<RoutingRule[]> {
    return (await ctx.services.routingRules.list()).map(toRoutingRule);
  }

  @Authorized(['ADMIN'])
  @Mutation(() => RoutingRule, {
    description: 'Adds a rule at the end of the order. Invalid input fails with BAD_USER_INPUT naming the field.',
  })
  async createRoutingRule(
    @Arg('input', () => RoutingRuleInput, { description: 'The new rule; it is appended after the existing rules.' })
    input: RoutingRuleInput,
    @Ctx() ctx: Context,
  ): Promise<RoutingRule> {
    return toRoutingRule(await ctx.services.routingRules.create(toInput(input)));
  }

  @Authorized(['ADMIN'])
  @Mutation(() => RoutingRule, { description: 'Changes the fields given; the others keep their value. Alerts already raised keep theirs.' })
  async updateRoutingRule(
    @Arg('id', () => ID, { description: 'Id of the routing rule to change.' }) id: string,
    @Arg('input', () => RoutingRuleInput, { description: 'Fields to change; omitted fields keep their value.' }) input: RoutingRuleInput,
    @Ctx() ctx: Context,
  ): Promise<RoutingRule> {
    return toRoutingRule(await ctx.services.routingRules.update(id, toInput(input)));
  }

  @Authorized(['ADMIN'])
  @Mutation(() => [RoutingRule], {
    description: 'Sets the evaluation order: `ids` lists every rule exactly once, first to be tried first.',
  })
  async reorderRoutingRules(
    @Arg('ids', () => [ID], { description: 'Ids of every routing rule in the new evaluation order, first rule first.' }) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<RoutingRule[]> {
    return (await ctx.services.routingRules.reorder(ids)).map(toRoutingRule);
  }

  @Authorized(['ADMIN'])
  @Mutation(() => RoutingRule, { description: 'Enables or disables a rule (disabled rules are skipped).' })
  async setRoutingRuleEnabled(
    @Arg('id', () => ID, { description: 'Id of the routing rule to switch on or off.' }) id: string,
    @Arg('enabled', () => Boolean, { description: 'True to evaluate the rule again, false to skip it.' }) enabled: boolean,
    @Ctx() ctx: Context,
  ): Promise<RoutingRule> {
    return toRoutingRule(await ctx.services.routingRules.setEnabled(id, enabled));
  }

  @Authorized(['ADMIN'])
  @Mutation(() => Boolean, { description: 'Deletes a rule; its alerts stay.' })
  async deleteRoutingRule(
    @Arg('id', () => ID, { description: 'Id of the routing rule to delete.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.routingRules.delete(id);
  }
}
