/**
 * Makes any input safe to analyse while keeping every character at its offset, so evidence
 * spans computed on the cleaned text point at the same place in what the caller passed in.
 */

export const DEFAULT_MAX_CHARS = 5000;

export interface SanitizedText {
  /** The analysed text: the input's first `maxChars` characters with markup and junk blanked. */
  text: string;
  /** The input (truncated the same way), for evidence spans: offsets are identical. */
  original: string;
  truncated: boolean;
}

// Control characters other than tab/newline/carriage return, zero-width and BOM characters.
// (U+200D, the zero-width joiner, is kept: emoji sequences need it.)
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const JUNK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200C\u200E\u200F\u2028\u2029\uFEFF]/g;
// A surrogate half without its partner is invalid UTF-16.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SCRIPT_OR_STYLE = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const TAG = /<\/?[a-zA-Z][^<>]{0,500}>|<!--[\s\S]*?-->/g;
const ENTITY = /&(#\d{1,6}|#x[0-9a-fA-F]{1,5}|[a-zA-Z]{2,8});/g;
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  rsquo: "'",
  lsquo: "'",
  ldquo: '"',
  rdquo: '"',
  hellip: '.',
  mdash: '-',
  ndash: '-',
};

const blank = (s: string): string => ' '.repeat(s.length);

/** Replaces an HTML entity by its character padded with spaces to the same length. */
function decodeEntity(entity: string, body: string): string {
  let char: string | undefined;
  if (body.startsWith('#x')) char = safeCodePoint(parseInt(body.slice(2), 16));
  else if (body.startsWith('#')) char = safeCodePoint(parseInt(body.slice(1), 10));
  else char = NAMED_ENTITIES[body.toLowerCase()];
  if (char === undefined || char.length > entity.length) return blank(entity);
  return char + ' '.repeat(entity.length - char.length);
}

function safeCodePoint(code: number): string | undefined {
  if (!Number.isFinite(code) || code < 0x20 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return String.fromCodePoint(code);
}

/** Cuts at `maxChars` without splitting a surrogate pair. */
function bound(input: string, maxChars: number): string {
  if (input.length <= maxChars) return input;
  let end = maxChars;
  const last = input.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return input.slice(0, end);
}

export function sanitize(input: unknown, maxChars: number = DEFAULT_MAX_CHARS): SanitizedText {
  const raw = typeof input === 'string' ? input : ''; // untyped callers: anything else is no text
  const limit = Number.isFinite(maxChars) && maxChars > 0 ? Math.floor(maxChars) : DEFAULT_MAX_CHARS;
  const original = bound(raw, limit);
  let text = original.replace(JUNK, ' ').replace(LONE_SURROGATE, '\uFFFD');
  if (text.includes('<')) text = text.replace(SCRIPT_OR_STYLE, blank).replace(TAG, blank);
  if (text.includes('&')) text = text.replace(ENTITY, decodeEntity);
  return { text, original: original.replace(LONE_SURROGATE, '\uFFFD'), truncated: original.length < raw.length };
}
