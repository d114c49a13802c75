import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../bulk.js';
import type { ReportDeliveryEntity, ReportSubscriptionEntity } from './report.entity.js';
import type { ReportModels } from './report.schema.js';

export type NewSubscription = Omit<ReportSubscriptionEntity, '_id'>;

export class ReportRepository {
  constructor(private readonly models: ReportModels) {}

  async createSubscription(doc: NewSubscription): Promise<ReportSubscriptionEntity> {
    const created = await this.models.subscriptions.create(doc);
    return created.toObject();
  }

  async subscriptions(): Promise<ReportSubscriptionEntity[]> {
    return this.models.subscriptions.find().sort({ _id: 1 }).lean<ReportSubscriptionEntity[]>();
  }

  async subscription(id: string): Promise<ReportSubscriptionEntity | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.models.subscriptions.findById(id).lean<ReportSubscriptionEntity>();
  }

  async deleteSubscription(id: string): Promise<boolean> {
    if (!Types.ObjectId.isValid(id)) return false;
    return (await this.models.subscriptions.deleteOne({ _id: id })).deletedCount === 1;
  }

  /** Claims the period for a subscription: true for the one caller that created the delivery. */
  async claim(doc: Omit<ReportDeliveryEntity, '_id' | 'createdAt' | 'updatedAt'>): Promise<boolean> {
    try {
      await this.models.deliveries.create(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async delivery(subscriptionId: string, period: string): Promise<ReportDeliveryEntity | null> {
    return this.models.deliveries.findOne({ subscriptionId: new Types.ObjectId(subscriptionId), period }).lean<ReportDeliveryEntity>();
  }

  async updateDelivery(id: Types.ObjectId, set: Partial<ReportDeliveryEntity>, inc: { attempts?: number } = {}): Promise<void> {
    await this.models.deliveries.updateOne({ _id: id }, { $set: set, ...(inc.attempts ? { $inc: inc } : {}) });
  }

  /** Newest first, optionally of some subscriptions only. */
  async deliveries(subscriptionIds: readonly Types.ObjectId[] | null, limit: number): Promise<ReportDeliveryEntity[]> {
    const query = subscriptionIds ? { subscriptionId: { $in: subscriptionIds } } : {};
    return this.models.deliveries.find(query).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<ReportDeliveryEntity[]>();
  }
}
