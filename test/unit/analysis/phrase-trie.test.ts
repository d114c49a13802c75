import { describe, expect, it } from 'vitest';
import { expandGroups, PhraseTrie } from '../../../src/analysis/match/phrase-trie.js';
import { tokenize } from '../../../src/analysis/text/tokenize.js';

const matchIn = (trie: PhraseTrie<string>, text: string) => {
  const tokens = tokenize(text);
  return trie.findAll(tokens, 0, tokens.length).map(
    (m) =>
      `${m.value}:${tokens
        .slice(m.from, m.to)
        .map((t) => t.norm)
        .join(' ')}`,
  );
};

describe('phrase patterns', () => {
  it('expands multi-word alternatives in parentheses, optional groups too', () => {
    expect(expandGroups("(does not|doesn't) work")).toEqual(['does not work', "doesn't work"]);
    expect(expandGroups('(really)? like (a lot|it)')).toEqual(['really like a lot', 'really like it', 'like a lot', 'like it']);
    expect(() => expandGroups('(unclosed')).toThrow(/unbalanced/);
  });

  it('matches alternatives, optional slots, stems, wildcards and numbers, longest first', () => {
    const trie = new PhraseTrie<string>();
    trie.add('took|takes forever|ages', 'slow');
    trie.add('no (real)? issues|problems', 'fine');
    trie.add('@crash again', 'crash');
    trie.add('on hold for # minutes|hours', 'hold');
    trie.add('on hold', 'hold-short');
    trie.add("can't imagine (*|* *) without", 'love');
    expect(matchIn(trie, 'It took ages, no real issues though')).toEqual(['slow:took ages', 'fine:no real issues']);
    expect(matchIn(trie, 'crashed again and again')).toEqual(['crash:crashed again']);
    expect(matchIn(trie, 'on hold for 45 minutes, then on hold for two hours')).toEqual([
      'hold:on hold for 45 minutes',
      'hold:on hold for two hours',
    ]);
    expect(matchIn(trie, 'put on hold')).toEqual(['hold-short:on hold']);
    expect(matchIn(trie, "can't imagine running the business without it")).toEqual([]);
    expect(matchIn(trie, "can't imagine my day without it")).toEqual(["love:can't imagine my day without"]);
  });

  it('does not match across punctuation', () => {
    const trie = new PhraseTrie<string>();
    trie.add('no issues', 'fine');
    expect(matchIn(trie, 'no. issues')).toEqual([]);
  });
});
