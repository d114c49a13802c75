/** Routing rules: a small collection, read whole (ordered by position) on every routing decision. */
import type { RoutingRuleEntity } from './routing-rule.entity.js';
import type { RoutingRuleModel } from './routing-rule.schema.js';

export type NewRoutingRule = Omit<RoutingRuleEntity, 'createdAt' | 'updatedAt'>;

export class RoutingRuleRepository {
  constructor(private readonly model: RoutingRuleModel) {}

  async list(): Promise<RoutingRuleEntity[]> {
    const rules = await this.model.find({}).lean<RoutingRuleEntity[]>().exec();
    return rules.sort((a, b) => a.position - b.position || a._id.localeCompare(b._id));
  }

  async findById(id: string): Promise<RoutingRuleEntity | null> {
    return this.model.findById(id).lean<RoutingRuleEntity>().exec();
  }

  async insert(rule: NewRoutingRule): Promise<RoutingRuleEntity> {
    const created = await this.model.create(rule);
    return created.toObject();
  }

  async update(id: string, fields: Partial<NewRoutingRule>): Promise<RoutingRuleEntity | null> {
    return this.model.findByIdAndUpdate(id, { $set: fields }, { new: true }).lean<RoutingRuleEntity>().exec();
  }

  async setPositions(ids: string[]): Promise<void> {
    // Point writes by _id: a few rules, one statement each.
    for (const [position, id] of ids.entries()) await this.model.updateOne({ _id: id }, { $set: { position } }).exec();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: id }).exec();
    return result.deletedCount === 1;
  }
}
