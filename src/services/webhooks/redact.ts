/**
 * Masks contact details inside free text before it leaves in a webhook payload: verbatims often
 * carry "call me on …" or an e-mail address, which downstream tools have no business storing. Pure.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Digit runs with the usual separators; the digit count decides below whether it is a phone number. */
const PHONE_CANDIDATE = /(?<![\w+])(?:\+|00)?\(?\d[\d\s().-]{5,}\d(?![\w])/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const EMAIL_MASK = '[email]';
const PHONE_MASK = '[phone]';

export function redactContactDetails(text: string): string {
  return text.replace(EMAIL, EMAIL_MASK).replace(PHONE_CANDIDATE, (match) => {
    const digits = match.replace(/\D/g, '').length;
    // 7–15 digits is a phone number (E.164 tops out at 15); dates and short numbers stay.
    if (digits < 7 || digits > 15 || ISO_DATE.test(match.trim())) return match;
    return PHONE_MASK;
  });
}
