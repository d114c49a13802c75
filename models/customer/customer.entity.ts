/** A customer as stored: profile from the latest submit, and the history of their scores. */
import type { Types } from 'mongoose';
import type { Attribute } from '../response/response.entity.js';

interface ScoreHistoryEntry {
  responseId: Types.ObjectId;
  score: number;
  respondedAt: Date;
}

export interface CustomerChurnRisk {
  score: number;
  level: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  reasons: string[];
  responseId: Types.ObjectId;
  computedAt: Date;
}

export interface CustomerEntity {
  /** Same as externalId. */
  _id: string;
  externalId: string;
  name: string | null;
  email: string | null;
  accountValue: number | null;
  /** Attributes of the customer's most recent response. */
  attributes: Attribute[];
  responseCount: number;
  scoreHistory: ScoreHistoryEntry[];
  latestScore: number | null;
  latestRespondedAt: Date | null;
  latestResponseId: Types.ObjectId | null;
  latestSentiment: string | null;
  /** Churn risk of the latest analysed response (set by the alerts hook). */
  churnRisk?: CustomerChurnRisk | null;
  createdAt: Date;
  updatedAt: Date;
}
