import type { Attribute } from '../../../models/response/response.entity.js';
/** Managing webhook endpoints (register, edit, enable, rotate the secret) and reading their delivery log. */
import { AppError, InputError, notFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { WebhookDeliveryEntity, WebhookEndpointEntity } from '../../../models/webhook/webhook.entity.js';
import type { WebhookRepository } from '../../../models/webhook/webhook.repository.js';
import { validateWebhookFields, type WebhookFields } from './webhook-input.js';
import { newWebhookId, newWebhookSecret } from './webhook-secret.js';
import type { SecretBox } from './secret-box.js';

export interface WebhookServiceDeps {
  webhooks: WebhookRepository;
  log: Logger;
  maxEndpoints: number;
  maxPageSize: number;
  /** Encrypts secrets at rest (a pass-through without a key). */
  secrets: SecretBox;
}

/** An endpoint with the secret that only its creation (or a rotation) reveals. */
export interface EndpointWithSecret {
  endpoint: WebhookEndpointEntity;
  secret: string;
}

export interface DeliveryPage {
  deliveries: WebhookDeliveryEntity[];
  hasNextPage: boolean;
  endCursor: string | null;
}

const DEFAULT_PAGE_SIZE = 20;

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  /** `scope`: the creating key's scope; the endpoint then receives only events inside it. */
  async create(input: WebhookFields, scope: Attribute[] = []): Promise<EndpointWithSecret> {
    const { value, problems } = validateWebhookFields(input, ['url', 'events']);
    if (problems.length > 0) throw new InputError(problems);
    if ((await this.deps.webhooks.countEndpoints()) >= this.deps.maxEndpoints) {
      throw new AppError('BAD_USER_INPUT', `at most ${this.deps.maxEndpoints} webhook endpoints may be registered; delete one first`, {
        field: 'url',
      });
    }
    const secret = newWebhookSecret();
    const endpoint = await this.deps.webhooks.insertEndpoint({
      _id: newWebhookId(),
      url: value.url!,
      events: value.events!,
      description: value.description ?? null,
      scope,
      secret: this.deps.secrets.seal(secret),
    });
    this.deps.log.info({ webhookId: endpoint._id, events: endpoint.events }, 'webhook endpoint created');
    return { endpoint, secret };
  }

  /** A scoped caller sees only the endpoints created within its scope. */
  async list(scope: Attribute[] = []): Promise<WebhookEndpointEntity[]> {
    return (await this.deps.webhooks.listEndpoints()).filter((e) => withinScope(e.scope ?? [], scope));
  }

  async get(id: string, scope: Attribute[] = []): Promise<WebhookEndpointEntity | null> {
    const endpoint = await this.deps.webhooks.findEndpoint(id);
    return endpoint && withinScope(endpoint.scope ?? [], scope) ? endpoint : null;
  }

  async update(id: string, input: WebhookFields): Promise<WebhookEndpointEntity> {
    const { value, problems } = validateWebhookFields(input, []);
    if (problems.length > 0) throw new InputError(problems);
    const updated = await this.deps.webhooks.updateEndpoint(id, value);
    if (!updated) throw notFound('webhook', id);
    return updated;
  }

  /** Deletes the endpoint and its log; its pending deliveries stop at their next attempt. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.deps.webhooks.deleteEndpoint(id);
    if (deleted) await this.deps.webhooks.deleteDeliveriesOf(id);
    return deleted;
  }

  /** Turns an endpoint (back) on and resets its failure streak. */
  async enable(id: string): Promise<WebhookEndpointEntity> {
    const enabled = await this.deps.webhooks.enable(id);
    if (!enabled) throw notFound('webhook', id);
    this.deps.log.info({ webhookId: id }, 'webhook endpoint enabled');
    return enabled;
  }

  /** A new secret takes effect at the next attempt; the old one stops verifying at once. */
  async rotateSecret(id: string): Promise<EndpointWithSecret> {
    const secret = newWebhookSecret();
    const endpoint = await this.deps.webhooks.setSecret(id, this.deps.secrets.seal(secret));
    if (!endpoint) throw notFound('webhook', id);
    return { endpoint, secret };
  }

  async deliveries(webhookId: string, first: number | null | undefined, after: string | null | undefined): Promise<DeliveryPage> {
    const size = first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > this.deps.maxPageSize) {
      throw new InputError([{ field: 'first', message: `must be between 1 and ${this.deps.maxPageSize}` }]);
    }
    const skip = after ? decodeOffset(after) : 0;
    if (skip === null) throw new InputError([{ field: 'after', message: 'is not a cursor this query returned' }]);
    if (!(await this.deps.webhooks.findEndpoint(webhookId))) throw notFound('webhook', webhookId);
    const rows = await this.deps.webhooks.listDeliveries(webhookId, skip, size + 1);
    const deliveries = rows.slice(0, size);
    return { deliveries, hasNextPage: rows.length > size, endCursor: deliveries.length ? encodeOffset(skip + deliveries.length) : null };
  }
}

// The log is an append-mostly list read by operators: an offset cursor is enough.
function encodeOffset(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeOffset(cursor: string): number | null {
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? Number(match[1]) : null;
}

/** True when `attributes` include every pair of `scope` (an empty scope admits everything). */
export function withinScope(attributes: readonly Attribute[], scope: readonly Attribute[]): boolean {
  return scope.every((want) => attributes.some((a) => a.key === want.key && a.value === want.value));
}
