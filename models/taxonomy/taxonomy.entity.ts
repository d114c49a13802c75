/** Stored shapes of the theme taxonomy: its themes, its version counter and its re-analysis backfills. */
import type { Types } from 'mongoose';

export interface ThemeEntity {
  _id: Types.ObjectId;
  /** Stable identifier (snake_case): never changes, never reused, so trends survive renames. */
  key: string;
  label: string;
  description: string | null;
  keywords: string[];
  examples: string[];
  parent: string | null;
  /** Retired themes are no longer matched; old analyses that mention them stay readable. */
  retired: boolean;
  retiredAt: Date | null;
  /** Set when the theme was retired by merging it into another one. */
  mergedInto: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const TAXONOMY_STATE_ID = 'taxonomy';

/** One document: the taxonomy's version, bumped by every change. */
export interface TaxonomyStateEntity {
  _id: typeof TAXONOMY_STATE_ID;
  version: number;
  /** True once the default themes were inserted (a crash half-way through seeding resumes). */
  seeded: boolean;
  updatedAt: Date;
}

/** RUNNING: scanning and queueing; DONE: everything affected is queued; SUPERSEDED: a newer version's backfill took over. */
export type BackfillStatus = 'RUNNING' | 'DONE' | 'SUPERSEDED';

/** The re-analysis a taxonomy version started: a resumable scan of the responses, in _id order. */
export interface BackfillEntity {
  _id: Types.ObjectId;
  version: number;
  /** What changed, for people reading the history (e.g. `updateTheme billing`). */
  reason: string;
  status: BackfillStatus;
  /** Last response id the scan handled; the scan resumes after it. */
  cursor: Types.ObjectId | null;
  /** Responses looked at so far. */
  scanned: number;
  /** Responses queued for re-analysis so far (the backfill's total once the scan is done). */
  requeued: number;
  startedAt: Date;
  /** When the scan finished (DONE: every affected response was queued) or was superseded. */
  finishedAt: Date | null;
}
