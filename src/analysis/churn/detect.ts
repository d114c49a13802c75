/**
 * Churn intent: explicit statements that the customer is leaving, switching, not renewing,
 * asking for their money back, shopping around or downgrading. Patterns are data
 * (data/churn-patterns.json), run per clause over its normalised words; a negation just before a
 * match ("I would never switch", "not going to cancel") cancels it.
 */
import churnData from '../data/churn-patterns.json' with { type: 'json' };
import type { ChurnSignal, ChurnSignalType } from '../types.js';
import type { Clause } from '../text/clauses.js';
import type { Token } from '../text/tokenize.js';

interface CompiledChurnType {
  type: ChurnSignalType;
  patterns: RegExp[];
  triggers: ReadonlySet<string>;
}

const NEGATORS: ReadonlySet<string> = new Set(churnData.negators);
const SUBJECTS: ReadonlySet<string> = new Set(churnData.subjects);

function expand(source: string, macros: Record<string, string>): string {
  return source.replace(/\{([A-Z]+)\}/g, (_, name: string) => {
    const macro = macros[name];
    if (macro === undefined) throw new Error(`churn pattern uses unknown macro {${name}}`);
    return macro;
  });
}

const TYPES: readonly CompiledChurnType[] = (() => {
  const macros = churnData.macros as Record<string, string>;
  const patterns = churnData.patterns as Record<ChurnSignalType, string[]>;
  const triggers = churnData.triggers as Record<ChurnSignalType, string[]>;
  // not_renewing first: "won't renew" must not be read as anything else.
  const order: ChurnSignalType[] = ['not_renewing', 'cancel', 'switch', 'refund', 'alternatives', 'downgrade'];
  return order.map((type) => ({
    type,
    patterns: patterns[type].map((p) => new RegExp(expand(p, macros), 'g')),
    triggers: new Set(triggers[type]),
  }));
})();

/** The clause's words joined by spaces, with each token's offset in that string. */
function clauseString(tokens: readonly Token[], clause: Clause): { text: string; offsets: number[]; indexes: number[] } {
  const parts: string[] = [];
  const offsets: number[] = [];
  const indexes: number[] = [];
  let length = 0;
  for (let i = clause.from; i < clause.to; i++) {
    const t = tokens[i];
    if (t.kind === 'break') continue;
    if (parts.length > 0) length += 1;
    offsets.push(length);
    indexes.push(i);
    parts.push(t.norm);
    length += t.norm.length;
  }
  return { text: parts.join(' '), offsets, indexes };
}

/** True when a negation sits just before token `first` ("i would never switch"), before any subject. */
function negatedBefore(tokens: readonly Token[], clause: Clause, first: number): boolean {
  if (SUBJECTS.has(tokens[first].norm)) return false; // the match starts at its own subject
  let words = 0;
  for (let j = first - 1; j >= clause.from && words < churnData.negationWindow; j--) {
    const t = tokens[j];
    if (t.kind === 'punct' || t.kind === 'break') break;
    if (t.kind !== 'word') continue;
    if (NEGATORS.has(t.norm)) return true;
    if (SUBJECTS.has(t.norm)) break;
    words++;
  }
  return false;
}

export function detectChurn(tokens: readonly Token[], clauses: readonly Clause[], original: string): ChurnSignal[] {
  const signals: ChurnSignal[] = [];
  const claimed = new Set<number>();
  for (const clause of clauses) {
    let s: ReturnType<typeof clauseString> | null = null;
    for (const churnType of TYPES) {
      let triggered = false;
      for (let i = clause.from; i < clause.to && !triggered; i++) triggered = churnType.triggers.has(tokens[i].norm);
      if (!triggered) continue;
      s ??= clauseString(tokens, clause);
      for (const re of churnType.patterns) {
        // matchAll works on a copy of the regex: the shared pattern objects are never mutated.
        for (const m of s.text.matchAll(re)) {
          if (m[0].length === 0) continue;
          const startPos = m.index;
          const endPos = m.index + m[0].length;
          let first = -1;
          let last = -1;
          for (let k = 0; k < s.offsets.length; k++) {
            const tokenStart = s.offsets[k];
            const tokenEnd = tokenStart + tokens[s.indexes[k]].norm.length;
            if (tokenEnd > startPos && tokenStart < endPos) {
              if (first < 0) first = s.indexes[k];
              last = s.indexes[k];
            }
          }
          if (first < 0) continue;
          if (churnType.type !== 'not_renewing' && negatedBefore(tokens, clause, first)) continue;
          let overlaps = false;
          for (let i = first; i <= last; i++) if (claimed.has(i)) overlaps = true;
          if (overlaps) continue;
          for (let i = first; i <= last; i++) claimed.add(i);
          const start = tokens[first].start;
          const end = tokens[last].end;
          signals.push({ type: churnType.type, evidence: { start, end, text: original.slice(start, end) } });
        }
      }
    }
  }
  return signals.sort((a, b) => a.evidence.start - b.evidence.start);
}
