import type { Attribute } from '../../../models/response/response.entity.js';
/** Managing webhook endpoints (register, edit, enable, rotate the secret) and reading their delivery log. */
import { AppError, InputError, notFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { WebhookDeliveryEntity, WebhookEndpointEntity } from '../../../models/webhook/webhook.entity.js';
import { DELIVERY_ORDER, type WebhookRepository } from '../../../models/webhook/webhook.repository.js';
import { keyOf } from '../../../models/keyset.js';
import { decodeCursor, pageSize, toPage, type Page } from '../paging.js';
import { validateWebhookFields, type CleanWebhookFields, type WebhookFields } from './webhook-input.js';
import { newWebhookId, newWebhookSecret } from './webhook-secret.js';
import type { SecretBox } from './secret-box.js';
import type { TargetPolicy } from './target-policy.js';

export interface WebhookServiceDeps {
  webhooks: WebhookRepository;
  log: Logger;
  maxEndpoints: number;
  /** Most endpoints one key may own. */
  maxPerKey: number;
  maxPageSize: number;
  /** Encrypts secrets at rest (a pass-through without a key). */
  secrets: SecretBox;
  /** Which hosts an endpoint may point at (SSRF protection). */
  targets: TargetPolicy;
}

/** Who manages endpoints: the calling key, whether it is an ADMIN, and its scope. */
export interface WebhookActor {
  keyId: string;
  admin: boolean;
  scope: Attribute[];
}

/** An endpoint with the secret that only its creation (or a rotation) reveals. */
export interface EndpointWithSecret {
  endpoint: WebhookEndpointEntity;
  secret: string;
}

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  /** The endpoint belongs to `actor`'s key and receives only events inside its scope. */
  async create(input: WebhookFields, actor: WebhookActor): Promise<EndpointWithSecret> {
    const value = await this.validate(input, ['url', 'events']);
    if ((await this.deps.webhooks.countEndpoints()) >= this.deps.maxEndpoints) {
      throw new AppError('BAD_USER_INPUT', `at most ${this.deps.maxEndpoints} webhook endpoints may be registered; delete one first`, {
        field: 'url',
      });
    }
    if ((await this.deps.webhooks.countEndpoints(actor.keyId)) >= this.deps.maxPerKey) {
      throw new AppError(
        'BAD_USER_INPUT',
        `this API key owns ${this.deps.maxPerKey} webhook endpoints, the most one key may own; delete one first`,
        {
          field: 'url',
        },
      );
    }
    const secret = newWebhookSecret();
    const endpoint = await this.deps.webhooks.insertEndpoint({
      _id: newWebhookId(),
      url: value.url,
      events: value.events,
      description: value.description ?? null,
      scope: actor.scope,
      ownerKeyId: actor.keyId,
      secret: this.deps.secrets.seal(secret),
    });
    this.deps.log.info({ webhookId: endpoint._id, events: endpoint.events, ownerKeyId: actor.keyId }, 'webhook endpoint created');
    return { endpoint, secret };
  }

  /** An ADMIN sees every endpoint; any other key only those it owns. */
  async list(actor: WebhookActor): Promise<WebhookEndpointEntity[]> {
    return this.deps.webhooks.listEndpoints(actor.admin ? undefined : actor.keyId);
  }

  /** The endpoint if `actor` may read and change it (its owner or an ADMIN), else null. */
  async get(id: string, actor: WebhookActor): Promise<WebhookEndpointEntity | null> {
    const endpoint = await this.deps.webhooks.findEndpoint(id);
    return endpoint && (actor.admin || (endpoint.ownerKeyId != null && endpoint.ownerKeyId === actor.keyId)) ? endpoint : null;
  }

  async update(id: string, input: WebhookFields, actor: WebhookActor): Promise<WebhookEndpointEntity> {
    await this.mustGet(id, actor);
    const value = await this.validate(input, []);
    const updated = await this.deps.webhooks.updateEndpoint(id, value);
    if (!updated) throw notFound('webhook', id);
    return updated;
  }

  /** Deletes the endpoint and its log; its pending deliveries stop at their next attempt. False if `actor` has no such endpoint. */
  async delete(id: string, actor: WebhookActor): Promise<boolean> {
    if (!(await this.get(id, actor))) return false;
    const deleted = await this.deps.webhooks.deleteEndpoint(id);
    if (deleted) await this.deps.webhooks.deleteDeliveriesOf(id);
    return deleted;
  }

  /** Turns an endpoint (back) on and resets its failure streak. */
  async enable(id: string, actor: WebhookActor): Promise<WebhookEndpointEntity> {
    await this.mustGet(id, actor);
    const enabled = await this.deps.webhooks.enable(id);
    if (!enabled) throw notFound('webhook', id);
    this.deps.log.info({ webhookId: id }, 'webhook endpoint enabled');
    return enabled;
  }

  /** A new secret takes effect at the next attempt; the old one stops verifying at once. */
  async rotateSecret(id: string, actor: WebhookActor): Promise<EndpointWithSecret> {
    await this.mustGet(id, actor);
    const secret = newWebhookSecret();
    const endpoint = await this.deps.webhooks.setSecret(id, this.deps.secrets.seal(secret));
    if (!endpoint) throw notFound('webhook', id);
    return { endpoint, secret };
  }

  /** Someone else's endpoint looks like a missing one: its existence is not disclosed. */
  private async mustGet(id: string, actor: WebhookActor): Promise<WebhookEndpointEntity> {
    const endpoint = await this.get(id, actor);
    if (!endpoint) throw notFound('webhook', id);
    return endpoint;
  }

  /**
   * Field rules, then the target policy on the URL (it resolves the host, so it runs last). Returns the
   * cleaned fields, the `required` ones present (a missing one is a problem, and problems are thrown).
   */
  private async validate<R extends keyof CleanWebhookFields>(
    input: WebhookFields,
    required: R[],
  ): Promise<CleanWebhookFields & Required<Pick<CleanWebhookFields, R>>> {
    const { value, problems } = validateWebhookFields(input, required);
    if (problems.length > 0) throw new InputError(problems);
    const refused = value.url ? await this.deps.targets.urlProblem(value.url) : null;
    if (refused)
      throw new InputError([
        {
          field: 'url',
          message: `${refused}: private, loopback, link-local, multicast, reserved and unresolvable hosts are refused unless VERBATIM_WEBHOOK_ALLOW_HOSTS lists them`,
        },
      ]);
    return value as CleanWebhookFields & Required<Pick<CleanWebhookFields, R>>; // no problem: every required field was set
  }

  async deliveries(
    webhookId: string,
    first: number | null | undefined,
    after: string | null | undefined,
    actor: WebhookActor,
  ): Promise<Page<WebhookDeliveryEntity>> {
    const size = pageSize(first, this.deps.maxPageSize);
    const key = decodeCursor(after, ['number', 'string']);
    await this.mustGet(webhookId, actor);
    const rows = await this.deps.webhooks.listDeliveries(webhookId, key, size + 1);
    return toPage(rows, size, (d) => keyOf(DELIVERY_ORDER, d));
  }
}
