/**
 * One-pass tokenizer with character offsets. Words are looked up in the vocabulary once, so
 * every later stage (sentiment, themes, key phrases, churn) reads stems and tags from the token.
 */
import { wordInfo, type Pos } from './vocabulary.js';

type TokenKind = 'word' | 'number' | 'emoji' | 'emoticon' | 'punct' | 'break' | 'other';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** Lower-cased, apostrophes normalised, contractions spelt out as in the lexicons ("dont" → "don't"). */
  norm: string;
  stem: string;
  lemma: string;
  pos: Pos;
  /** Written in capitals (2+ letters), a sign of emphasis. */
  caps: boolean;
  /** Letters repeated for emphasis ("sooo"). */
  elongated: boolean;
  known: boolean;
}

const TOKEN_RE = new RegExp(
  [
    String.raw`(?<other>https?:\/\/\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+)`,
    String.raw`(?<emoticon>(?<=^|\s)(?:[:;=][\-^o']?[)\](\[dDpP\/\\|*@3oO$]+|<\/?3+|\^_?\^|[)(][\-^]?[:;=])(?=$|[\s.,!?]))`,
    String.raw`(?<emoji>\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic}|\p{Emoji_Modifier})*|\p{Regional_Indicator}{2})`,
    String.raw`(?<number>\d+(?:[.,:\/]\d+)+%?|\d+%)`,
    String.raw`(?<word>[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}]+)*)`,
    String.raw`(?<brk>[!?]+|\.{2,}|…|[.;]|\n)`,
    String.raw`(?<punct>[,:()\-–—"\/&+*$£€])`,
  ].join('|'),
  'gu',
);

/** Typed-without-apostrophe contractions, spelt as the lexicons spell them. */
const CONTRACTIONS: Readonly<Record<string, string>> = {
  dont: "don't",
  doesnt: "doesn't",
  didnt: "didn't",
  cant: "can't",
  wont: "won't",
  isnt: "isn't",
  wasnt: "wasn't",
  arent: "aren't",
  werent: "weren't",
  havent: "haven't",
  hasnt: "hasn't",
  hadnt: "hadn't",
  wouldnt: "wouldn't",
  couldnt: "couldn't",
  shouldnt: "shouldn't",
  aint: "ain't",
  im: "i'm",
  ive: "i've",
  youre: "you're",
  theyre: "they're",
  thats: "that's",
  whats: "what's",
  cannot: "can't",
  'can not': "can't",
};
/** 's that is "is"/"has"/"us", not a possessive. */
const KEEP_S = new Set(["it's", "that's", "there's", "here's", "he's", "she's", "what's", "who's", "where's", "let's", "how's"]);

function normalizeWord(lower: string): string {
  let w = lower.includes('’') ? lower.replace(/’/g, "'") : lower;
  if (w.endsWith("'s") && !KEEP_S.has(w)) w = w.slice(0, -2);
  return CONTRACTIONS[w] ?? w;
}

function makeToken(kind: TokenKind, start: number, end: number, norm: string): Token {
  return { kind, start, end, norm, stem: norm, lemma: norm, pos: 'X', caps: false, elongated: false, known: false };
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // matchAll iterates over a copy of the regex, so the shared pattern is never mutated.
  for (const m of text.matchAll(TOKEN_RE)) {
    const surface = m[0];
    const start = m.index;
    const end = start + surface.length;
    const g = m.groups ?? {}; // TOKEN_RE always has named groups; an empty object keeps the types honest
    if (g.word !== undefined) {
      if (/^\d+$/.test(surface)) {
        tokens.push(makeToken('number', start, end, surface));
        continue;
      }
      const lower = surface.toLowerCase();
      const norm = normalizeWord(lower);
      const info = wordInfo(norm);
      tokens.push({
        kind: 'word',
        start,
        end,
        norm,
        stem: info.stem,
        lemma: info.lemma,
        pos: info.pos,
        caps: surface.length > 1 && lower !== surface && surface.toUpperCase() === surface,
        elongated: /([a-z])\1\1/.test(lower),
        known: info.known,
      });
    } else if (g.brk !== undefined) {
      tokens.push(makeToken('break', start, end, surface === '\n' ? '\n' : surface));
    } else if (g.punct !== undefined) {
      tokens.push(makeToken('punct', start, end, surface));
    } else if (g.number !== undefined) {
      tokens.push(makeToken('number', start, end, surface));
    } else if (g.emoji !== undefined) {
      tokens.push(makeToken('emoji', start, end, surface.replace(/\uFE0F|\p{Emoji_Modifier}/gu, '')));
    } else if (g.emoticon !== undefined) {
      tokens.push(makeToken('emoticon', start, end, surface.toLowerCase()));
    } else {
      tokens.push(makeToken('other', start, end, surface));
    }
  }
  return tokens;
}
