/**
 * Round-robin assignment of a team's follow-ups. Under the team's write lock (one assignment of a
 * team at a time, across every worker process): count each member's open follow-ups of this team,
 * give the alert to the next member in turn who is under the cap, insert it, and only then move
 * the turn on. When every member is at the cap, the lead takes it — never silently one member.
 * The reason goes into the alert's RAISED history entry.
 */
import type { AlertRepository } from '../../../models/alert/alert.repository.js';
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
   * Picks the assignee of a new follow-up of `teamName` and calls `insert` with it while holding the
   * lock; the turn moves on only when `insert` stored a new alert (a retried job's duplicate does not).
   * A team that is not defined (or has no members) gives `fallback`, saying so.
   */
  async assign(teamName: string, fallback: string, insert: (pick: TeamPick) => Promise<boolean>): Promise<boolean> {
    return this.deps.teams.withRotationLock(teamName, async () => {
      const team = await this.deps.teams.get(teamName);
      if (!team?.members?.length || !team.lead) {
        return insert({ assignee: fallback, reason: `team ${teamName} is not defined (setTeam): given to ${fallback}` });
      }
      const open = await this.deps.alerts.openCountsOf(teamName, team.members);
      const pick = nextInTurn(
        {
          name: teamName,
          members: team.members,
          lead: team.lead,
          maxOpenPerMember: team.maxOpenPerMember ?? null,
          rotation: team.rotation ?? 0,
        },
        open,
      );
      const inserted = await insert(pick);
      if (inserted && pick.nextRotation !== null) await this.deps.teams.setRotation(teamName, pick.nextRotation);
      return inserted;
    });
  }
}
