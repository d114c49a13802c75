/**
 * Multi-word pattern matching over tokens, compiled once from data. A pattern is a space-separated
 * list of slots; a slot is one or more alternatives separated by "|":
 *   word   matches a token whose normalised form is `word`
 *   @word  matches any inflection: tokens whose stem is the stem of `word`
 *   *      matches any one word
 *   #      matches a number, in digits or words ("45", "three", "a", "few")
 * A trailing "?" makes the whole slot optional: "took|takes|taking ages|forever".
 * Alternatives of several words go in parentheses: "(does not|doesn't|didn't) work", "(really)? like".
 */
import type { Token } from '../text/tokenize.js';
import { stemWord } from '../text/vocabulary.js';

interface TrieNode<T> {
  byNorm?: Map<string, TrieNode<T>>;
  byStem?: Map<string, TrieNode<T>>;
  any?: TrieNode<T>;
  numeric?: TrieNode<T>;
  value?: T;
}

const NUMBER_WORDS = new Set([
  'a',
  'an',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'fifteen',
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'sixty',
  'ninety',
  'hundred',
  'few',
  'several',
  'couple',
  'many',
  'multiple',
  'half',
]);

const isNumeric = (t: Token): boolean => t.kind === 'number' || (t.kind === 'word' && (NUMBER_WORDS.has(t.norm) || /^\d/.test(t.norm)));

export interface PhraseMatch<T> {
  value: T;
  /** Token indexes, end exclusive. */
  from: number;
  to: number;
}

const newNode = <T>(): TrieNode<T> => ({});

function child<T>(map: Map<string, TrieNode<T>> | undefined, key: string, set: (m: Map<string, TrieNode<T>>) => void): TrieNode<T> {
  let m = map;
  if (!m) {
    m = new Map();
    set(m);
  }
  let next = m.get(key);
  if (!next) {
    next = newNode<T>();
    m.set(key, next);
  }
  return next;
}

/** Expands "(a b|c)" groups (with an optional trailing "?") into plain patterns. */
export function expandGroups(pattern: string): string[] {
  const open = pattern.indexOf('(');
  if (open < 0) {
    if (pattern.includes(')')) throw new Error(`unbalanced ")" in pattern "${pattern}"`);
    return [pattern];
  }
  const close = pattern.indexOf(')', open);
  if (close < 0 || pattern.lastIndexOf('(', close) !== open) throw new Error(`unbalanced or nested "(" in pattern "${pattern}"`);
  const optional = pattern[close + 1] === '?';
  const before = pattern.slice(0, open);
  const after = pattern.slice(close + (optional ? 2 : 1));
  const alternatives = pattern
    .slice(open + 1, close)
    .split('|')
    .map((a) => a.trim());
  if (optional) alternatives.push('');
  return alternatives.flatMap((alt) => expandGroups(`${before} ${alt} ${after}`.replace(/\s+/g, ' ').trim()));
}

export class PhraseTrie<T> {
  private readonly root: TrieNode<T> = newNode<T>();
  /** Longest pattern length in slots: bounds the search. */
  private maxSlots = 0;

  /** Adds a pattern; when two patterns compile to the same path the later value wins. */
  add(pattern: string, value: T): void {
    for (const expanded of expandGroups(pattern.trim().toLowerCase().replace(/’/g, "'"))) {
      const slots = expanded.split(/\s+/).filter(Boolean);
      if (slots.length === 0) throw new Error(`empty pattern in "${pattern}"`);
      this.maxSlots = Math.max(this.maxSlots, slots.length);
      this.insert(this.root, slots, 0, value);
    }
  }

  private insert(node: TrieNode<T>, slots: string[], i: number, value: T): void {
    if (i === slots.length) {
      node.value = value;
      return;
    }
    let slot = slots[i];
    const optional = slot.length > 1 && slot.endsWith('?');
    if (optional) {
      slot = slot.slice(0, -1);
      this.insert(node, slots, i + 1, value);
    }
    for (const alt of slot.split('|')) {
      if (!alt) continue;
      let next: TrieNode<T>;
      if (alt === '*') {
        node.any ??= newNode<T>();
        next = node.any;
      } else if (alt === '#') {
        node.numeric ??= newNode<T>();
        next = node.numeric;
      } else if (alt.startsWith('@') && alt.length > 1) {
        next = child(node.byStem, stemWord(alt.slice(1)), (m) => (node.byStem = m));
      } else {
        next = child(node.byNorm, alt, (m) => (node.byNorm = m));
      }
      this.insert(next, slots, i + 1, value);
    }
  }

  /** The longest match starting at token `from` and ending before `limit`. */
  longestAt(tokens: readonly Token[], from: number, limit: number): PhraseMatch<T> | null {
    const best: { value?: T; to: number } = { to: from }; // only non-empty matches count
    this.visit(this.root, tokens, from, Math.min(limit, from + this.maxSlots), best);
    return best.value === undefined ? null : { value: best.value, from, to: best.to };
  }

  private visit(node: TrieNode<T>, tokens: readonly Token[], i: number, limit: number, best: { value?: T; to: number }): void {
    if (node.value !== undefined && i > best.to) {
      best.value = node.value;
      best.to = i;
    }
    if (i >= limit) return;
    const token = tokens[i];
    if (token.kind === 'punct' || token.kind === 'break') return;
    const byNorm = node.byNorm?.get(token.norm);
    if (byNorm) this.visit(byNorm, tokens, i + 1, limit, best);
    const byStem = node.byStem?.get(token.stem);
    if (byStem) this.visit(byStem, tokens, i + 1, limit, best);
    if (node.any && token.kind === 'word') this.visit(node.any, tokens, i + 1, limit, best);
    if (node.numeric && isNumeric(token)) this.visit(node.numeric, tokens, i + 1, limit, best);
  }

  /** Non-overlapping matches from left to right, preferring the longest at each position. */
  findAll(tokens: readonly Token[], from: number, to: number): PhraseMatch<T>[] {
    const out: PhraseMatch<T>[] = [];
    for (let i = from; i < to;) {
      const m = this.longestAt(tokens, i, to);
      if (m) {
        out.push(m);
        i = m.to;
      } else i++;
    }
    return out;
  }
}
