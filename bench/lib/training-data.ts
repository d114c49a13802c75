/**
 * Every training example the learned sentiment model may use, tagged with its corpus group so a
 * held-out group can be left out: the public corpora (texts), the laptop aspect terms (clauses)
 * and the project's own DEV/DEV2 splits (group "own"; TEST is never trained on).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadLabelledJsonl } from './datasets.js';
import { laptopSentenceItems, loadLaptops, loadSentimentCorpora, type SentimentItem } from './corpora.js';
import { aspectClauseExamples, textExamples, type Example } from './train.js';

const OWN_SPLITS = ['bench/data/eval/dev.jsonl', 'bench/data/eval/dev2.jsonl'].map((p) => resolve(import.meta.dirname, '../..', p));

export function trainingExamples(): { examples: Example[]; missing: string[] } {
  const { corpora, missing } = loadSentimentCorpora();
  const examples: Example[] = [];
  const byGroup = new Map<string, SentimentItem[]>();
  for (const c of corpora) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), ...c.train]);
  for (const [group, items] of byGroup) examples.push(...textExamples(items, group));
  const laptops = loadLaptops();
  if (laptops) {
    examples.push(...textExamples(laptopSentenceItems(laptops), 'laptops'));
    examples.push(...aspectClauseExamples(laptops, 'laptops'));
  }
  const own = OWN_SPLITS.filter((p) => existsSync(p)).flatMap((p) => loadLabelledJsonl(p));
  examples.push(
    ...textExamples(
      own.map((it) => ({ text: it.text, label: it.sentiment })),
      'own',
    ),
  );
  return { examples, missing };
}
