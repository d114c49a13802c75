/** Wires the survey-programme services (createServices spreads these into Services). */
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Database } from '../../../models/database.js';
import { WriteLockRepository } from '../../../models/lock/write-lock.repository.js';
import { ProgrammeRepository } from '../../../models/programme/programme.repository.js';
import { programmeModels } from '../../../models/programme/programme.schema.js';
import type { EventPublisher } from '../events.js';
import { DispatchPlanner } from './dispatch-planner.js';
import { ProgrammeService, type Clock } from './programme.service.js';

export interface ProgrammeServices {
  /** Touchpoint events, survey and contact rules, invitations, response rates. */
  programme: ProgrammeService;
  /** The repeatable planner tick (jobs/dispatch.job.ts runs it). */
  dispatchPlanner: DispatchPlanner;
}

export function createProgrammeServices(deps: {
  config: Config;
  db: Database;
  events: EventPublisher;
  log: Logger;
  clock?: Clock;
}): ProgrammeServices {
  const { config, db, events, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  const repo = new ProgrammeRepository(programmeModels(db.connection));
  const programme = new ProgrammeService({
    repo,
    clock,
    log,
    maxPageSize: config.VERBATIM_MAX_PAGE_SIZE,
    maxImportRows: config.VERBATIM_MAX_IMPORT_ROWS,
    defaultJourney: config.VERBATIM_JOURNEY_TOUCHPOINTS,
  });
  const dispatchPlanner = new DispatchPlanner(
    { repo, programme, events, locks: new WriteLockRepository(db.connection), clock, log },
    {
      batchSize: config.VERBATIM_DISPATCH_BATCH_SIZE,
      tickMs: config.VERBATIM_DISPATCH_EVERY_SECONDS * 1000,
      expiryDays: config.VERBATIM_INVITATION_EXPIRY_DAYS,
      maxDeferDays: config.VERBATIM_MAX_DEFER_DAYS,
    },
  );
  return { programme, dispatchPlanner };
}
