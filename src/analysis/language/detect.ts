/**
 * Language check. Most verbatims are plainly English: when most of their words are in the English
 * vocabulary we say so without running franc (which is slower than the whole rest of the engine).
 * Otherwise franc-min decides; texts too short to tell are analysed as English ('und').
 */
import type { LanguageInfo } from '../types.js';
import type { Token } from '../text/tokenize.js';
import { detectLanguageCode } from '../deps.js';

const LETTER = /\p{L}/gu;
const LATIN = /[A-Za-z\u00C0-\u024F]/g;

/** Share of known English words above which no further check is needed. */
const CLEARLY_ENGLISH = 0.7;
/** Below this share, a text franc cannot place is still not taken for English. */
const POSSIBLY_ENGLISH = 0.5;

function count(text: string, re: RegExp): number {
  let n = 0;
  for (const _ of text.matchAll(re)) n++;
  return n;
}

export function detectLanguage(text: string, tokens: readonly Token[]): LanguageInfo {
  let words = 0;
  let known = 0;
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
    words++;
    if (t.known) known++;
  }
  const englishShare = words === 0 ? 0 : known / words;
  if (words >= 3 && englishShare >= CLEARLY_ENGLISH) return { code: 'eng', supported: true };

  const letters = count(text, LETTER);
  if (letters === 0) return { code: 'und', supported: true }; // emoji, numbers, punctuation only
  const latinShare = count(text, LATIN) / letters;
  if (latinShare < 0.5) {
    const code = letters >= 3 ? detectLanguageCode(text) : 'und';
    return { code: code === 'und' ? 'und' : code, supported: false };
  }
  // Too short to tell: analysed as English unless its words are clearly not English.
  if (words < 3 || letters < 12) return { code: 'und', supported: englishShare >= POSSIBLY_ENGLISH || letters < 12 };

  const code = detectLanguageCode(text);
  if (code === 'eng') return { code, supported: true };
  if (englishShare >= POSSIBLY_ENGLISH) return { code: 'eng', supported: true }; // franc is unsure on short noisy English
  return { code, supported: false };
}
