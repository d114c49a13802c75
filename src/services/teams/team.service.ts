/**
 * Teams that share follow-up work: `setTeam` defines members, lead and the per-person cap of open
 * follow-ups; routing rules with assignMode TEAM hand out their alerts round-robin (team-rotation.ts).
 * The team name is the one `setTeamCapacity` uses: one team, its members and its daily capacity.
 */
import { InputError, type FieldProblem } from '../../errors.js';
import type { TeamEntity, TeamRepository } from '../../../models/team/team.repository.js';
import { nameProblem } from '../programme/programme-input.js';

export interface TeamInput {
  name: string;
  members: string[];
  lead: string;
  maxOpenPerMember?: number | null;
}

export interface Team {
  name: string;
  members: string[];
  lead: string;
  maxOpenPerMember: number | null;
  /** Daily survey capacity (setTeamCapacity), null when none is set. */
  capacityPerDay: number | null;
}

const MAX_MEMBERS = 200;
const MAX_PERSON = 200;
const MAX_CAP = 100_000;

function toTeam(t: TeamEntity): Team {
  return {
    name: t._id,
    members: t.members ?? [],
    lead: t.lead ?? '',
    maxOpenPerMember: t.maxOpenPerMember ?? null,
    capacityPerDay: t.perDay ?? null,
  };
}

function personProblem(field: string, value: string | null | undefined): FieldProblem | null {
  const v = value?.trim();
  if (!v) return { field, message: 'is required' };
  return v.length > MAX_PERSON ? { field, message: `must be at most ${MAX_PERSON} characters` } : null;
}

export class TeamService {
  constructor(private readonly deps: { teams: TeamRepository }) {}

  async list(): Promise<Team[]> {
    return (await this.deps.teams.listDefined()).map(toTeam);
  }

  async exists(name: string): Promise<boolean> {
    return ((await this.deps.teams.get(name))?.members?.length ?? 0) > 0;
  }

  /** Creates or replaces a team's members, lead and cap (its capacity stays); the rotation restarts. */
  async set(input: TeamInput): Promise<Team> {
    const problems: FieldProblem[] = [...nameProblem('input.name', input.name, true)];
    const members = (input.members ?? []).map((m) => m.trim());
    if (members.length === 0) problems.push({ field: 'input.members', message: 'at least one member' });
    if (members.length > MAX_MEMBERS) problems.push({ field: 'input.members', message: `at most ${MAX_MEMBERS} members` });
    members.forEach((m, i) => {
      const p = personProblem(`input.members[${i}]`, m);
      if (p) problems.push(p);
    });
    if (new Set(members).size !== members.length) problems.push({ field: 'input.members', message: 'lists a member more than once' });
    const lead = personProblem('input.lead', input.lead);
    if (lead) problems.push(lead);
    const cap = input.maxOpenPerMember ?? null;
    if (cap !== null && (!Number.isInteger(cap) || cap < 1 || cap > MAX_CAP))
      problems.push({ field: 'input.maxOpenPerMember', message: `must be a whole number from 1 to ${MAX_CAP} (omit it for no cap)` });
    if (problems.length) throw new InputError(problems);
    return toTeam(await this.deps.teams.define(input.name, { members, lead: input.lead.trim(), maxOpenPerMember: cap }));
  }
}
