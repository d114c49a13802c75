/**
 * Teams: one document per team name in `team_capacities`, the collection `setTeamCapacity` already
 * keys by team name, so a team's members (setTeam) and its daily survey capacity (setTeamCapacity)
 * are two facets of one team, never two notions of a name. Each setter writes only its own fields.
 *
 * The round-robin rotation is changed only under the team's write lock (models/lock): FerretDB
 * runs updates as read-modify-write, so a lock-free `$inc` of a shared pointer could lose turns.
 */
import type { Connection } from 'mongoose';
import { WriteLockRepository } from '../lock/write-lock.repository.js';

const TEAM_COLLECTION = 'team_capacities';

export interface TeamEntity {
  /** The team name. */
  _id: string;
  /** Survey capacity per day (setTeamCapacity); absent until set. */
  perDay?: number | null;
  /** Who takes the team's follow-ups in turn (setTeam); absent for a capacity-only team. */
  members?: string[];
  /** Takes the overflow when every member is at the cap. */
  lead?: string | null;
  /** Open follow-ups a member may hold before their turn is skipped; null: no cap. */
  maxOpenPerMember?: number | null;
  /** Index into `members` of the next turn. */
  rotation?: number;
}

export interface TeamDefinition {
  members: string[];
  lead: string;
  maxOpenPerMember: number | null;
}

export class TeamRepository {
  private readonly locks: WriteLockRepository;

  constructor(private readonly connection: Connection) {
    this.locks = new WriteLockRepository(connection);
  }

  private get collection() {
    return this.connection.collection<TeamEntity>(TEAM_COLLECTION);
  }

  /** Teams defined by setTeam (with members), by name. */
  async listDefined(): Promise<TeamEntity[]> {
    return this.collection
      .find({ members: { $exists: true } })
      .sort({ _id: 1 })
      .toArray();
  }

  async get(name: string): Promise<TeamEntity | null> {
    return this.collection.findOne({ _id: name });
  }

  /** Sets members, lead and cap (the capacity stays); the rotation restarts with the first member. */
  async define(name: string, team: TeamDefinition): Promise<TeamEntity> {
    await this.collection.updateOne({ _id: name }, { $set: { ...team, rotation: 0 } }, { upsert: true });
    return (await this.get(name)) ?? { _id: name, ...team, rotation: 0 };
  }

  /** Runs `pick` holding the team's rotation lock: one assignment of a team at a time, across processes. */
  async withRotationLock<T>(name: string, pick: () => Promise<T>): Promise<T> {
    let result!: T;
    await this.locks.forEachLocked([`team-rotation:${name}`], async () => {
      result = await pick();
    });
    return result;
  }

  /** Only under withRotationLock. */
  async setRotation(name: string, rotation: number): Promise<void> {
    await this.collection.updateOne({ _id: name }, { $set: { rotation } });
  }
}
