/** A whole alert document for tests that seed alerts straight into the database: defaults plus what the test sets. */
import { Types } from 'mongoose';
import { UNHANDLED, type NewAlert } from '../../models/alert/alert.entity.js';

const HOUR = 3_600_000;

/** An OPEN detractor follow-up of the default route, raised a day ago and due in an hour, unless overridden. */
export function alertDoc(overrides: Partial<NewAlert> = {}): NewAlert {
  const raisedAt = overrides.raisedAt ?? new Date(Date.now() - 23 * HOUR);
  return {
    _id: `${new Types.ObjectId().toHexString()}:default`,
    responseId: new Types.ObjectId(),
    ruleId: null,
    ruleName: 'default',
    customerExternalId: null,
    category: 'DETRACTOR',
    score: 3,
    touchpoint: null,
    attributes: [],
    attributeTags: [],
    themeKeys: [],
    respondedAt: new Date(raisedAt.getTime() - HOUR),
    task: 'RECOVERY_CALL',
    channels: ['SUBSCRIPTION'],
    assignee: 'owner@example.com',
    team: null,
    status: 'OPEN',
    riskScore: 80,
    riskLevel: 'HIGH',
    reasons: [],
    slaHours: 24,
    raisedAt,
    dueAt: new Date(raisedAt.getTime() + 24 * HOUR),
    ...UNHANDLED,
    history: [],
    ...overrides,
  };
}
