/**
 * One delivery attempt of one event to one endpoint, per the Standard Webhooks specification:
 * POST of `{type, timestamp, data}` signed with the endpoint's secret (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`). A 2xx answer delivers it; anything else throws so the
 * queue retries with backoff. Every attempt is written to the delivery log, and an endpoint that
 * keeps failing is disabled. Idempotent: a delivered entry is never sent again by a job retry.
 */
import { Webhook } from 'standardwebhooks';
import type { Logger } from '../../logger.js';
import { deliveryId, type WebhookEndpointEntity } from '../../../models/webhook/webhook.entity.js';
import type { WebhookRepository } from '../../../models/webhook/webhook.repository.js';
import { postJson } from './http-post.js';
import { retryDelayMs, type DeliveryRef } from './ports.js';
import type { SecretBox } from './secret-box.js';
import { TARGET_REFUSED, TargetRefusedError, type TargetPolicy } from './target-policy.js';
import { DAY_MS } from '../../domain/time.js';

interface DeliveryPolicy {
  timeoutMs: number;
  backoffMs: number;
  /** Disable an endpoint after this many failed attempts in a row… */
  disableAfterFailures: number;
  /** …spanning at least this long since the streak's first failure. */
  disableAfterSeconds: number;
  /** Days finished deliveries stay in the log (0: forever). */
  logRetentionDays?: number;
}

export interface AttemptInfo {
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
}

/** The delivery cannot succeed any more (endpoint gone or disabled, event gone): stop retrying. */
export class DeliveryCancelledError extends Error {
  override name = 'DeliveryCancelledError';
}

/** The receiver did not take it (non-2xx, timeout, connection error): retry later. */
class DeliveryFailedError extends Error {
  override name = 'DeliveryFailedError';
}

/** The process is shutting down: the attempt was cut short and is neither logged nor counted; send it again later. */
export class DeliveryInterruptedError extends Error {
  override name = 'DeliveryInterruptedError';
}

export interface WebhookDeliveryDeps {
  webhooks: WebhookRepository;
  policy: DeliveryPolicy;
  /** Decrypts the stored secrets. */
  secrets: SecretBox;
  /** Which hosts a delivery may reach (checked on every attempt, against the addresses it connects to). */
  targets: TargetPolicy;
  log: Logger;
  now?: () => Date;
}

export type DeliveryOutcome = 'delivered' | 'already-delivered';

export class WebhookDeliveryService {
  private readonly now: () => Date;
  private readonly stopping = new AbortController();

  constructor(private readonly deps: WebhookDeliveryDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Aborts the attempts in flight and refuses new ones (shutdown): they throw DeliveryInterruptedError. */
  interrupt(): void {
    this.stopping.abort();
  }

  /** Forgets log entries (and their events) finished more than the retention ago; the hourly maintenance job calls it. */
  async pruneLog(): Promise<{ deliveries: number; events: number }> {
    const days = this.deps.policy.logRetentionDays ?? 0;
    if (days <= 0) return { deliveries: 0, events: 0 };
    const pruned = await this.deps.webhooks.pruneBefore(new Date(this.now().getTime() - days * DAY_MS));
    if (pruned.deliveries > 0 || pruned.events > 0) this.deps.log.info({ ...pruned, retentionDays: days }, 'webhook delivery log pruned');
    return pruned;
  }

  async deliver(ref: DeliveryRef, { attempt, maxAttempts }: AttemptInfo): Promise<DeliveryOutcome> {
    const { webhooks, log } = this.deps;
    const id = deliveryId(ref.webhookId, ref.eventId);
    const entry = await webhooks.findDelivery(id);
    if (entry?.status === 'DELIVERED') return 'already-delivered';
    if (entry?.status === 'CANCELLED') throw new DeliveryCancelledError(entry.lastError ?? 'delivery cancelled');

    const endpoint = await webhooks.findEndpoint(ref.webhookId);
    if (!endpoint) throw await this.cancel(id, 'endpoint deleted');
    if (!endpoint.enabled) throw await this.cancel(id, `endpoint disabled: ${endpoint.disabledReason ?? 'by an operator'}`);
    const event = await webhooks.findEvent(ref.eventId);
    if (!event) throw await this.cancel(id, 'event not found');
    if (!endpoint.events.includes(event.type)) throw await this.cancel(id, `endpoint no longer subscribed to ${event.type}`);

    const body = JSON.stringify({ type: event.type, timestamp: new Date(event.occurredAt).toISOString(), data: event.data });
    const sentAt = this.now();
    if (this.stopping.signal.aborted) throw new DeliveryInterruptedError('not sent: shutting down');
    const result = await this.post(endpoint, event._id, body, sentAt);
    const at = this.now();
    // The receiver did not fail; the shutdown cut the attempt.
    if (!result.ok && this.stopping.signal.aborted) throw new DeliveryInterruptedError('interrupted by shutdown');

    if (result.ok) {
      await webhooks.updateDelivery(
        id,
        { status: 'DELIVERED', lastStatusCode: result.status, lastError: null, lastAttemptAt: at, nextRetryAt: null, deliveredAt: at },
        { attempts: 1 },
      );
      await webhooks.recordSuccess(endpoint._id, at);
      return 'delivered';
    }

    const error = result.error ?? `HTTP ${result.status}`;
    const final = attempt >= maxAttempts;
    await webhooks.updateDelivery(
      id,
      {
        status: final ? 'FAILED' : 'RETRYING',
        lastStatusCode: result.status,
        lastError: error,
        lastAttemptAt: at,
        nextRetryAt: final ? null : new Date(at.getTime() + retryDelayMs(this.deps.policy.backoffMs, attempt)),
      },
      { attempts: 1 },
    );
    await this.countFailure(endpoint._id, at, error);
    log.debug({ webhookId: endpoint._id, eventId: event._id, attempt, status: result.status, err: error }, 'webhook attempt failed');
    throw new DeliveryFailedError(error);
  }

  /** Marks the log entry CANCELLED and returns the error that stops the job's retries. */
  private async cancel(id: string, reason: string): Promise<DeliveryCancelledError> {
    await this.deps.webhooks.updateDelivery(id, { status: 'CANCELLED', lastError: reason, nextRetryAt: null });
    return new DeliveryCancelledError(reason);
  }

  private async post(endpoint: WebhookEndpointEntity, eventId: string, body: string, sentAt: Date) {
    const signature = new Webhook(this.deps.secrets.open(endpoint.secret)).sign(eventId, sentAt, body);
    try {
      // IP literals are checked here; host names in the lookup, against the addresses connected to.
      await this.deps.targets.addressesFor(new URL(endpoint.url).hostname);
      const status = await postJson(endpoint.url, body, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Verbatim-Webhooks/1',
          'webhook-id': eventId,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        timeoutMs: this.deps.policy.timeoutMs,
        lookup: this.deps.targets.lookup,
        // Shutdown aborts a delivery waiting on its receiver: it goes back to the queue.
        signal: this.stopping.signal,
      });
      const ok = status >= 200 && status < 300;
      return { ok, status: status as number | null, error: ok ? null : `HTTP ${status}` };
    } catch (err) {
      return { ok: false, status: null, error: describePostError(err, this.deps.policy.timeoutMs) };
    }
  }

  private async countFailure(webhookId: string, at: Date, error: string): Promise<void> {
    const { disableAfterFailures, disableAfterSeconds } = this.deps.policy;
    const endpoint = await this.deps.webhooks.recordFailure(webhookId, at);
    if (!endpoint?.enabled || !endpoint.failingSince) return;
    const failingFor = at.getTime() - new Date(endpoint.failingSince).getTime();
    if (endpoint.consecutiveFailures < disableAfterFailures || failingFor < disableAfterSeconds * 1000) return;
    const reason =
      `${endpoint.consecutiveFailures} delivery attempts in a row failed since ${new Date(endpoint.failingSince).toISOString()} ` +
      `(last: ${error})`;
    if (await this.deps.webhooks.disable(webhookId, reason, at)) {
      this.deps.log.warn({ webhookId, reason }, 'webhook endpoint disabled after sustained failure');
    }
  }
}

function describePostError(err: unknown, timeoutMs: number): string {
  // A refused target says nothing more: no resolution result, no connection detail.
  if (err instanceof TargetRefusedError) return TARGET_REFUSED;
  const e = err as { name?: string; message?: string; code?: string };
  if (e?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  return e?.code ? `request failed: ${e.code}` : (e?.message ?? String(err));
}
