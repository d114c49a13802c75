/** Routing rule management: validated create/update, ordering, enable/disable, delete. */
import { randomUUID } from 'node:crypto';
import { InputError, notFound, type FieldProblem } from '../../errors.js';
import type { NpsCategory } from '../../domain/nps.js';
import type {
  AlertChannel,
  AssignMode,
  FollowUpTask,
  RiskLevelName,
  RoutingRuleEntity,
} from '../../../models/routing/routing-rule.entity.js';
import type { NewRoutingRule, RoutingRuleRepository } from '../../../models/routing/routing-rule.repository.js';
import { RISK_LEVELS } from '../risk/churn-risk.js';
import { FOLLOW_UP_TASKS, reviewUrlProblem, taskFor } from './follow-up-tasks.js';
import { ALL_CHANNELS } from './routing.js';

export interface RoutingRuleInput {
  name?: string | null;
  enabled?: boolean | null;
  categories?: NpsCategory[] | null;
  minRiskLevel?: RiskLevelName | null;
  touchpoints?: string[] | null;
  themes?: string[] | null;
  attributes?: { key: string; values: string[] }[] | null;
  assignMode?: AssignMode | null;
  assignAttribute?: string | null;
  assignMapping?: { value: string; assignee: string }[] | null;
  assignee?: string | null;
  team?: string | null;
  slaHours?: number | null;
  slaBusinessHours?: boolean | null;
  escalateTo?: string | null;
  channels?: AlertChannel[] | null;
  task?: FollowUpTask | null;
  reviewUrl?: string | null;
}

const CATEGORIES: NpsCategory[] = ['PROMOTER', 'PASSIVE', 'DETRACTOR'];
const MODES: AssignMode[] = ['ATTRIBUTE', 'MAPPING', 'FIXED', 'TEAM'];
const KEY = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_LIST = 100;
/** A year: longer SLAs are typos. */
const MAX_SLA_HOURS = 8760;

export class RoutingRuleService {
  constructor(
    private readonly deps: {
      rules: RoutingRuleRepository;
      defaultSlaHours: number;
      ownerAttribute: string;
      cache?: { invalidate(): void };
      /** Whether a team is defined (setTeam): a TEAM rule must name one. */
      teamExists?: (name: string) => Promise<boolean>;
    },
  ) {}

  private changed<T>(result: T): T {
    this.deps.cache?.invalidate();
    return result;
  }

  list(): Promise<RoutingRuleEntity[]> {
    return this.deps.rules.list();
  }

  async get(id: string): Promise<RoutingRuleEntity> {
    const rule = await this.deps.rules.findById(id);
    if (!rule) throw notFound('routing rule', id);
    return rule;
  }

  async create(input: RoutingRuleInput): Promise<RoutingRuleEntity> {
    const rule = this.build(randomUUID(), input, null);
    await this.checkTeam(rule);
    const existing = await this.deps.rules.list();
    rule.position = existing.length ? Math.max(...existing.map((r) => r.position)) + 1 : 0;
    return this.changed(await this.deps.rules.insert(rule));
  }

  async update(id: string, input: RoutingRuleInput): Promise<RoutingRuleEntity> {
    const current = await this.get(id);
    const { _id, position, ...fields } = this.build(id, input, current);
    await this.checkTeam({ ...fields, _id: id, position: current.position });
    void _id;
    void position;
    return this.changed((await this.deps.rules.update(id, fields)) ?? current);
  }

  async setEnabled(id: string, enabled: boolean): Promise<RoutingRuleEntity> {
    await this.get(id);
    const updated = await this.deps.rules.update(id, { enabled });
    if (!updated) throw notFound('routing rule', id);
    return this.changed(updated);
  }

  /** `ids` must list every rule exactly once; they are evaluated in that order. */
  async reorder(ids: string[]): Promise<RoutingRuleEntity[]> {
    const existing = await this.deps.rules.list();
    const known = new Set(existing.map((r) => r._id));
    const given = new Set(ids);
    if (given.size !== ids.length) throw new InputError([{ field: 'ids', message: 'lists a rule more than once' }]);
    const unknown = ids.find((id) => !known.has(id));
    if (unknown) throw new InputError([{ field: 'ids', message: `unknown rule ${unknown}` }]);
    if (given.size !== known.size) throw new InputError([{ field: 'ids', message: `must list all ${known.size} rules` }]);
    await this.deps.rules.setPositions(ids);
    return this.changed(await this.deps.rules.list());
  }

  async delete(id: string): Promise<boolean> {
    if (!(await this.deps.rules.delete(id))) throw notFound('routing rule', id);
    return this.changed(true);
  }

  /** A TEAM rule assigns among a defined team's members: the team must exist (setTeam). */
  private async checkTeam(rule: NewRoutingRule): Promise<void> {
    if (rule.assign.mode !== 'TEAM' || !rule.team || !this.deps.teamExists) return;
    if (!(await this.deps.teamExists(rule.team)))
      throw new InputError([{ field: 'input.team', message: `no team named ${rule.team}; define it with setTeam first` }]);
  }

  /** Merges the input over `current` (null for a create) and validates the result. */
  private build(id: string, input: RoutingRuleInput, current: RoutingRuleEntity | null): NewRoutingRule {
    const problems: FieldProblem[] = [];
    const bad = (field: string, message: string) => problems.push({ field: `input.${field}`, message });
    const pick = <T>(value: T | null | undefined, fallback: T): T => (value === undefined || value === null ? fallback : value);

    const name = pick(input.name, current?.name ?? '').trim();
    if (!name) bad('name', 'is required');
    else if (name.length > 100) bad('name', 'must be at most 100 characters');

    const categories = pick(input.categories, current?.match.categories ?? []);
    if (categories.some((c) => !CATEGORIES.includes(c))) bad('categories', `must be among ${CATEGORIES.join(', ')}`);
    const minRiskLevel = input.minRiskLevel === undefined ? (current?.match.minRiskLevel ?? null) : input.minRiskLevel;
    if (minRiskLevel && !RISK_LEVELS.includes(minRiskLevel)) bad('minRiskLevel', `must be one of ${RISK_LEVELS.join(', ')}`);
    const touchpoints = pick(input.touchpoints, current?.match.touchpoints ?? []).map((t) => t.trim());
    if (touchpoints.length > MAX_LIST || touchpoints.some((t) => !t)) bad('touchpoints', `up to ${MAX_LIST} non-empty values`);
    const themes = pick(input.themes, current?.match.themes ?? []).map((t) => t.trim());
    if (themes.length > MAX_LIST || themes.some((t) => !KEY.test(t))) bad('themes', 'theme keys (letters, digits, _ or -)');
    const attributes = pick(input.attributes, current?.match.attributes ?? []);
    attributes.forEach((a, i) => {
      if (!KEY.test(a.key)) bad(`attributes[${i}].key`, 'must be an attribute key (letters, digits, _ or -)');
      if (!a.values.length || a.values.some((v) => !v.trim())) bad(`attributes[${i}].values`, 'at least one non-empty value');
    });

    const mode = pick(input.assignMode, current?.assign.mode ?? 'ATTRIBUTE');
    if (!MODES.includes(mode)) bad('assignMode', `must be one of ${MODES.join(', ')}`);
    const assignAttribute =
      input.assignAttribute === undefined
        ? (current?.assign.attribute ?? (mode === 'FIXED' ? null : this.deps.ownerAttribute))
        : input.assignAttribute;
    const mapping = pick(input.assignMapping, current?.assign.mapping ?? []);
    const assignee = (input.assignee === undefined ? (current?.assign.assignee ?? null) : input.assignee)?.trim() || null;
    const team = (input.team === undefined ? (current?.team ?? null) : input.team)?.trim() || null;
    if (mode === 'TEAM' && !team) bad('team', 'is required when assignMode is TEAM (the team whose members take turns)');
    if (mode !== 'FIXED' && mode !== 'TEAM' && (!assignAttribute || !KEY.test(assignAttribute)))
      bad('assignAttribute', `is required for ${mode} (an attribute key)`);
    if (mode === 'FIXED' && !assignee) bad('assignee', 'is required when assignMode is FIXED (the team or person)');
    if (mode === 'MAPPING' && !mapping.length) bad('assignMapping', 'is required when assignMode is MAPPING');
    mapping.forEach((m, i) => {
      if (!m.value.trim()) bad(`assignMapping[${i}].value`, 'must not be empty');
      if (!m.assignee.trim()) bad(`assignMapping[${i}].assignee`, 'must not be empty');
    });
    if (assignee && assignee.length > 200) bad('assignee', 'must be at most 200 characters');

    const slaHours = pick(input.slaHours, current?.slaHours ?? this.deps.defaultSlaHours);
    if (!Number.isFinite(slaHours) || slaHours <= 0 || slaHours > MAX_SLA_HOURS)
      bad('slaHours', `must be more than 0 and at most ${MAX_SLA_HOURS}`);
    const channels = [...new Set(pick(input.channels, current?.channels ?? ALL_CHANNELS))];
    if (!channels.length || channels.some((c) => !ALL_CHANNELS.includes(c))) bad('channels', `one or more of ${ALL_CHANNELS.join(', ')}`);
    const task = pick(input.task, current?.task ?? taskFor(categories.length === 1 ? categories[0] : 'DETRACTOR'));
    if (!FOLLOW_UP_TASKS.includes(task)) bad('task', `must be one of ${FOLLOW_UP_TASKS.join(', ')}`);
    // No task given for a rule of several (or any) categories: each response gets its category's task.
    const taskPerCategory = input.task != null ? false : (current?.taskPerCategory ?? categories.length !== 1);
    const reviewUrl = (input.reviewUrl === undefined ? (current?.reviewUrl ?? null) : input.reviewUrl)?.trim() || null;
    const urlProblem = reviewUrl ? reviewUrlProblem(reviewUrl) : null;
    if (urlProblem) bad('reviewUrl', urlProblem);
    const slaBusinessHours = pick(input.slaBusinessHours, current?.slaBusinessHours ?? false);
    const escalateTo = (input.escalateTo === undefined ? (current?.escalateTo ?? null) : input.escalateTo)?.trim() || null;
    if (escalateTo && (escalateTo.length > 200 || /[\r\n|]/.test(escalateTo)))
      bad('escalateTo', 'must be one line of at most 200 characters without "|" (a person or team)');

    if (problems.length) throw new InputError(problems);
    return {
      _id: id,
      name,
      enabled: pick(input.enabled, current?.enabled ?? true),
      position: current?.position ?? 0,
      match: { categories: [...new Set(categories)], minRiskLevel: minRiskLevel ?? null, touchpoints, themes, attributes },
      assign: {
        mode,
        attribute: mode === 'FIXED' || mode === 'TEAM' ? null : assignAttribute,
        mapping: mode === 'MAPPING' ? mapping : [],
        assignee,
      },
      team,
      slaHours,
      slaBusinessHours,
      escalateTo,
      channels,
      task,
      taskPerCategory,
      reviewUrl,
    };
  }
}
