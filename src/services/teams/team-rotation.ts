/**
 * Round-robin assignment of a team's follow-ups. Under the team's write lock (one batch of a team
 * at a time, across every worker process): count each member's open follow-ups of this team, give
 * each alert to the next member in turn who is under the cap, insert them, and only then move the
 * turn on. When every member is at the cap, the lead takes it — never silently one member.
 * The reason goes into the alert's RAISED history entry.
 */
import type { AlertRepository } from '../../../models/alert/alert.repository.js';
import type { NewAlert } from '../../../models/alert/alert.entity.js';
import type { TeamRepository } from '../../../models/team/team.repository.js';

export interface TeamPick {
  assignee: string;
  /** Why this person: recorded on the alert's history. */
  reason: string;
}

/** Who is next: the first member from `rotation` on who is under the cap, else the lead. Pure. */
export function nextInTurn(
  team: { name: string; members: string[]; lead: string; maxOpenPerMember: number | null; rotation: number },
  open: ReadonlyMap<string, number>,
): TeamPick & { nextRotation: number | null } {
  const n = team.members.length;
  const cap = team.maxOpenPerMember;
  for (let i = 0; i < n; i++) {
    const index = (((team.rotation + i) % n) + n) % n;
    const member = team.members[index];
    const held = open.get(member) ?? 0;
    if (cap === null || held < cap) {
      const skipped = i === 0 ? '' : `; skipped ${i} at the cap`;
      return {
        assignee: member,
        reason: `round-robin in team ${team.name}: ${member} (${held}${cap === null ? '' : ` of ${cap}`} open${skipped})`,
        nextRotation: (index + 1) % n,
      };
    }
  }
  return {
    assignee: team.lead,
    reason: `team ${team.name}: all ${n} members at their cap of ${cap} open follow-ups, overflow to the lead ${team.lead}`,
    nextRotation: null,
  };
}

export class TeamRotation {
  constructor(private readonly deps: { teams: TeamRepository; alerts: AlertRepository }) {}

  /**
   * Assigns new follow-ups of `teamName` in order, under one hold of the team's lock, as one-by-one
   * assignment would: the alerts already stored (a retried job's) are left out and take no turn,
   * each pick counts as an open follow-up of its member for the next pick, the picked alerts
   * (`build` puts the pick on each) are stored with one insert, and the turn is written once, past
   * the last one stored. A team that is not defined (or has no members) gives each its `fallback`,
   * saying so. Returns the ids of the alerts stored.
   */
  async assignMany(
    teamName: string,
    items: readonly { alert: NewAlert; fallback: string }[],
    build: (alert: NewAlert, pick: TeamPick) => NewAlert,
  ): Promise<Set<string>> {
    return this.deps.teams.withRotationLock(teamName, async () => {
      const stored = new Set((await this.deps.alerts.findByIds(items.map((i) => i.alert._id))).map((a) => a._id));
      const fresh = items.filter((i) => !stored.has(i.alert._id));
      const team = await this.deps.teams.get(teamName);
      if (!team?.members?.length || !team.lead) {
        return this.deps.alerts.insertManyIfAbsent(
          fresh.map(({ alert, fallback }) =>
            build(alert, { assignee: fallback, reason: `team ${teamName} is not defined (setTeam): given to ${fallback}` }),
          ),
        );
      }
      const { members, lead } = team;
      const open = await this.deps.alerts.openCountsOf(teamName, members);
      let rotation = team.rotation ?? 0;
      const picked = fresh.map(({ alert }) => {
        const pick = nextInTurn({ name: teamName, members, lead, maxOpenPerMember: team.maxOpenPerMember ?? null, rotation }, open);
        const built = build(alert, pick);
        if (built.team === teamName && (built.status === 'OPEN' || built.status === 'ACKNOWLEDGED'))
          open.set(pick.assignee, (open.get(pick.assignee) ?? 0) + 1);
        if (pick.nextRotation !== null) rotation = pick.nextRotation;
        return built;
      });
      const inserted = await this.deps.alerts.insertManyIfAbsent(picked);
      if (inserted.size > 0 && rotation !== (team.rotation ?? 0)) await this.deps.teams.setRotation(teamName, rotation);
      return inserted;
    });
  }
}
