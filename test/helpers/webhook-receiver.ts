/**
 * A local webhook endpoint for integration tests: records every request, verifies its Standard
 * Webhooks signature with the `standardwebhooks` library once `secret` is set (a request that fails
 * verification is answered 401), and otherwise answers `status(n)` for the n-th request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface WebhookBody {
  type: string;
  timestamp: string;
  data: Record<string, any>;
}

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: WebhookBody;
  /** The signature matched `secret` (false while no secret is set). */
  verified: boolean;
  status: number;
}

export class WebhookReceiver {
  server: Server | null = null;
  port = 0;
  /** The endpoint's signing secret (from createWebhook); empty: requests are not verified. */
  secret = '';
  requests: ReceivedWebhook[] = [];
  status: (n: number) => number = () => 200;

  async listen(port = 0): Promise<number> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        };
        const verified = this.secret !== '' && verifies(this.secret, raw, headers);
        const status = this.secret !== '' && !verified ? 401 : this.status(this.requests.length);
        this.requests.push({
          id: headers['webhook-id'],
          timestamp: headers['webhook-timestamp'],
          signature: headers['webhook-signature'],
          body: JSON.parse(raw) as WebhookBody,
          verified,
          status,
        });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  url(port = this.port): string {
    return `http://127.0.0.1:${port}/hooks`;
  }

  /** Ids this receiver accepted (answered 2xx). */
  accepted(): string[] {
    return this.requests.filter((r) => r.status < 300 && (r.verified || this.secret === '')).map((r) => r.id);
  }

  /** Bodies of the accepted requests, each webhook-id once (redeliveries of an event carry the same id). */
  events(): (WebhookBody & { id: string })[] {
    const seen = new Set<string>();
    const events: (WebhookBody & { id: string })[] = [];
    for (const r of this.requests) {
      if (r.status >= 300 || seen.has(r.id)) continue;
      seen.add(r.id);
      events.push({ ...r.body, id: r.id });
    }
    return events;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    this.server = null;
  }
}

function verifies(secret: string, raw: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(raw, headers);
    return true;
  } catch {
    return false;
  }
}
