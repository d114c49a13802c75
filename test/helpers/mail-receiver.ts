/**
 * A local SMTP server for integration tests (smtp-server, no TLS or auth): parses every message it
 * accepts with mailparser and keeps it in `received`. `refuse(address)` may return an error for a
 * recipient (with an SMTP `responseCode`, e.g. 451 for "try later", 550 for "no such mailbox").
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** An SMTP refusal with its reply code. */
export const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });

/** The recipients' addresses of a parsed message. */
const recipients = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address));

export class MailReceiver {
  private server: SMTPServer | null = null;
  port = 0;
  received: ParsedMail[] = [];
  refuse: (address: string) => Error | null = () => null;

  /** `smtp://127.0.0.1:<port>`, for VERBATIM_SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  mailsTo(address: string): ParsedMail[] {
    return this.received.filter((m) => recipients(m).includes(address));
  }

  /** Listens on `port` (0: a free one); again after `close()` on the same port to play a server that comes back. */
  async listen(port = 0): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const refusal = this.refuse(address.address);
        callback(refusal ?? undefined);
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.received.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
