/** Outgoing e-mail: SMTP through nodemailer, behind a port so services never see the transport. */
import nodemailer from 'nodemailer';

interface MailMessage {
  to: { email: string; name: string | null };
  subject: string;
  html: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): void;
}

/** A mailer for `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      const info = await transport.sendMail({
        from,
        to: { name: message.to.name ?? '', address: message.to.email },
        subject: message.subject,
        html: message.html,
        text: message.text,
      });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
