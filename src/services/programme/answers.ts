/**
 * Responses that close the survey loop, shared by `submitResponse` and `importResponses` (and so by
 * `verbatim import`): a response may carry the `invitationId` it answers and the customer's contact
 * fields. Both are checked before anything is stored — a wrong invitation id fails its row only, and
 * loses nothing — then the invitation becomes RESPONDED and the contact fields are kept for the planner.
 */
import { Types } from 'mongoose';
import { InputError } from '../../errors.js';
import type { ImportOutcome, IngestService } from '../pipeline/ingest.service.js';
import type { ResponseInputData } from '../pipeline/response-input.js';
import type { ResponseEntity } from '../../../models/response/response.entity.js';
import type { ContactInput, ProgrammeService } from './programme.service.js';

/** A response as the API takes it: contact fields on the customer, and the invitation it answers. */
export interface AnswerInput extends ResponseInputData {
  customer?: (ResponseInputData['customer'] & Omit<ContactInput, 'externalId'>) | null;
  invitationId?: string | null;
}

interface AnswerDeps {
  ingest: IngestService;
  programme: ProgrammeService;
}

/** Contact fields worth keeping: any the sending tool or the cadence needs. */
const carriesContact = (c: AnswerInput['customer']): c is NonNullable<AnswerInput['customer']> =>
  !!c && (c.email != null || c.locale != null || c.timeZone != null || c.optedOut != null);

/** Stores one response; an unknown or skipped `invitationId` is refused before it is stored. */
export async function submitAnswer(deps: AnswerDeps, input: AnswerInput, requestId: string | null): Promise<ResponseEntity> {
  const { invitationId, ...submitted } = input;
  if (invitationId != null) await deps.programme.assertAnswerable(invitationId);
  if (carriesContact(input.customer)) {
    const problems = deps.programme.contactProblems(input.customer);
    if (problems.length) throw new InputError(problems);
  }
  const { response } = await deps.ingest.submit(submitted, requestId);
  if (carriesContact(input.customer)) await deps.programme.recordContacts([{ customer: input.customer, attributes: input.attributes }]);
  if (invitationId != null) await deps.programme.recordResponse(invitationId, response._id, response.respondedAt);
  return response;
}

/**
 * Stores every valid row (ImportOutcome); a row whose `invitationId` is unknown or skipped, or whose
 * contact fields are invalid, is reported by index (field named) and not stored.
 */
export async function importAnswers(
  deps: AnswerDeps,
  rows: AnswerInput[],
  requestId: string | null,
): Promise<Omit<ImportOutcome, 'stored'>> {
  deps.ingest.assertImportSize(rows.length);
  const invitationProblems = await deps.programme.answerProblems(rows.flatMap((r) => (r.invitationId != null ? [r.invitationId] : [])));
  const refused: ImportOutcome['errors'] = [];
  const passed: { index: number; row: AnswerInput }[] = [];
  for (const [index, row] of rows.entries()) {
    const problems = carriesContact(row.customer) ? deps.programme.contactProblems(row.customer) : [];
    const invitation = row.invitationId != null ? invitationProblems.get(row.invitationId) : undefined;
    if (invitation) problems.push({ field: 'invitationId', message: invitation });
    if (problems.length) refused.push(...problems.map((p) => ({ index, field: p.field, message: `${p.field}: ${p.message}` })));
    else passed.push({ index, row });
  }

  const outcome = await deps.ingest.import(
    passed.map(({ row: { invitationId: _, ...response } }) => response),
    requestId,
  );
  const stored = outcome.stored.map((s) => ({ ...s, row: passed[s.index].row }));
  await deps.programme.recordContacts(
    stored.flatMap(({ row }) => (carriesContact(row.customer) ? [{ customer: row.customer, attributes: row.attributes }] : [])),
  );
  for (const s of stored)
    if (s.row.invitationId != null) await deps.programme.recordResponse(s.row.invitationId, new Types.ObjectId(s.id), s.respondedAt);

  const errors = [...refused, ...outcome.errors.map((e) => ({ ...e, index: passed[e.index].index }))].sort((a, b) => a.index - b.index);
  return { accepted: outcome.accepted, duplicates: outcome.duplicates, errors };
}
