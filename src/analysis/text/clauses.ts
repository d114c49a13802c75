/**
 * Splits tokens into sentences and clauses. A new clause starts after sentence punctuation, at a
 * contrast ("but", "however", "although" …), where a new subject begins after "and" ("the room was
 * clean and the staff rude") and at a comma between two runs of words ("food good, service slow"),
 * so each aspect gets the sentiment of its own clause.
 */
import type { Token } from './tokenize.js';

export type ClauseRole =
  /** An ordinary clause. */
  | 'plain'
  /** Followed by a "but"-clause in the same sentence: the speaker puts less weight on it. */
  | 'before_contrast'
  /** Introduced by "but", "however" …: what the speaker really means. */
  | 'after_contrast'
  /** Introduced by "although", "even though" …: conceded, so weighs less. */
  | 'concessive';

export interface Clause {
  /** Token range, end exclusive. */
  from: number;
  to: number;
  sentence: number;
  role: ClauseRole;
}

const CONTRAST = new Set(['but', 'however', 'nevertheless', 'nonetheless', 'unfortunately', 'sadly', 'except', 'whereas', 'though', 'yet']);
const CONCESSIVE = new Set(['although', 'though', 'despite', 'while', 'whilst']);
/** Words that start a new subject, after which "and"/"," opens a new clause. */
const SUBJECT_START = new Set([
  'the',
  'my',
  'our',
  'their',
  'your',
  'his',
  'her',
  'this',
  'that',
  'these',
  'those',
  'it',
  "it's",
  'they',
  "they're",
  'i',
  "i'm",
  "i've",
  'we',
  "we're",
  'he',
  'she',
  'you',
  'there',
  "there's",
  'its',
  'everything',
  'nothing',
  'some',
]);

/** "yet"/"though" only contrast in some positions ("not yet", "as though"). */
function isContrastAt(tokens: readonly Token[], i: number, clauseStart: number): boolean {
  const w = tokens[i].norm;
  if (!CONTRAST.has(w)) return false;
  const prev = i > 0 ? tokens[i - 1] : undefined;
  if (w === 'yet' || w === 'though') return prev !== undefined && prev.kind === 'punct' && prev.norm === ',';
  if (w === 'except') return tokens[i + 1]?.norm === 'that' || tokens[i + 1]?.norm === 'for';
  if (w === 'unfortunately' || w === 'sadly') return i > clauseStart;
  return true;
}

function isSentenceInitialContrast(word: string): boolean {
  return word === 'but' || word === 'however' || word === 'unfortunately' || word === 'sadly' || word === 'yet' || word === 'nevertheless';
}

function wordsBetween(tokens: readonly Token[], from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (tokens[i].kind === 'word') n++;
  return n;
}

export function splitClauses(tokens: readonly Token[]): Clause[] {
  const clauses: Clause[] = [];
  let sentence = 0;
  let start = 0;
  let role: ClauseRole = 'plain';
  let sentenceFirstClause = 0;

  const close = (end: number, nextRole: ClauseRole): void => {
    if (wordsBetween(tokens, start, end) > 0 || hasContent(tokens, start, end)) {
      clauses.push({ from: start, to: end, sentence, role });
    } else if (clauses.length > 0 && clauses[clauses.length - 1].to === start) {
      clauses[clauses.length - 1].to = end; // trailing "!!!" or emoji joins the clause before it
    }
    start = end;
    role = nextRole;
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'break') {
      // Keep the break ("!!!") inside the clause it ends; it carries emphasis.
      let end = i + 1;
      while (end < tokens.length && (tokens[end].kind === 'break' || tokens[end].kind === 'emoji' || tokens[end].kind === 'emoticon'))
        end++;
      close(end, 'plain');
      i = end - 1;
      sentence++;
      sentenceFirstClause = clauses.length;
      continue;
    }
    if (t.kind !== 'word') continue;
    if (i === start) {
      if (CONCESSIVE.has(t.norm)) role = 'concessive';
      else if (isSentenceInitialContrast(t.norm) && clauses.length > 0) {
        // "… . But support never answers": the previous sentence is what is being contrasted.
        role = 'after_contrast';
        const prevSentence = clauses[clauses.length - 1].sentence;
        for (let c = clauses.length - 1; c >= 0 && clauses[c].sentence === prevSentence; c--) {
          if (clauses[c].role === 'plain') clauses[c].role = 'before_contrast';
        }
      }
      continue;
    }
    if (isContrastAt(tokens, i, start)) {
      const end = tokens[i - 1].kind === 'punct' ? i - 1 : i;
      close(end, 'after_contrast');
      start = i;
      for (let c = sentenceFirstClause; c < clauses.length; c++) if (clauses[c].role === 'plain') clauses[c].role = 'before_contrast';
      continue;
    }
    if (CONCESSIVE.has(t.norm) && t.norm !== 'though' && tokens[i - 1]?.kind === 'punct') {
      close(i - 1, 'concessive');
      start = i;
      continue;
    }
    const prev = tokens[i - 1];
    const opensSubject = SUBJECT_START.has(t.norm) && (prev.norm === 'and' || (prev.kind === 'punct' && prev.norm === ','));
    // After a comma, two or more words before and after make a clause of their own: "Food good, service slow".
    const afterComma =
      prev.kind === 'punct' && prev.norm === ',' && wordsBetween(tokens, start, i - 1) >= 2 && wordsUntilPunct(tokens, i) >= 2;
    if ((opensSubject && wordsBetween(tokens, start, i - 1) >= 3) || (afterComma && role !== 'concessive')) {
      close(i - 1, role === 'concessive' ? 'plain' : role === 'after_contrast' ? 'after_contrast' : 'plain');
      start = i - 1;
      continue;
    }
    // "Although X, Y": the comma after a concessive clause starts the main clause.
    if (role === 'concessive' && prev.kind === 'punct' && prev.norm === ',' && wordsBetween(tokens, start, i) >= 2) {
      close(i - 1, 'plain');
      start = i - 1;
    }
  }
  close(tokens.length, 'plain');
  return clauses;
}

function wordsUntilPunct(tokens: readonly Token[], from: number): number {
  let n = 0;
  for (let i = from; i < tokens.length && tokens[i].kind !== 'punct' && tokens[i].kind !== 'break'; i++) if (tokens[i].kind === 'word') n++;
  return n;
}

function hasContent(tokens: readonly Token[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const k = tokens[i].kind;
    if (k === 'emoji' || k === 'emoticon' || k === 'number') return true;
  }
  return false;
}
