/**
 * Every training example the learned sentiment models may use, tagged with its corpus group so a
 * held-out group can be left out: the public corpora (texts), the laptop aspect terms (clauses)
 * and the project's own DEV/DEV2 splits (group "own"; TEST is never trained on).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadLabelledJsonl, type Label } from './datasets.js';
import { laptopSentenceItems, loadLaptops, loadSentimentCorpora, type SentimentItem } from './corpora.js';
import { aspectClauseExamples, textExamples, type Example } from './train.js';

const OWN_SPLITS = ['bench/data/eval/dev.jsonl', 'bench/data/eval/dev2.jsonl'].map((p) => resolve(import.meta.dirname, '../..', p));

export interface TrainingText {
  text: string;
  label: Label;
  group: string;
}

/** Whole texts with their sentiment and group: corpora, laptop sentences of one polarity, DEV/DEV2. */
export function trainingTexts(): { texts: TrainingText[]; missing: string[] } {
  const { corpora, missing } = loadSentimentCorpora();
  const texts: TrainingText[] = [];
  const add = (items: readonly SentimentItem[], group: string) => texts.push(...items.map((it) => ({ ...it, group })));
  for (const c of corpora) add(c.train, c.group);
  const laptops = loadLaptops();
  if (laptops) add(laptopSentenceItems(laptops), 'laptops');
  const own = OWN_SPLITS.filter((p) => existsSync(p)).flatMap((p) => loadLabelledJsonl(p));
  add(
    own.map((it) => ({ text: it.text, label: it.sentiment })),
    'own',
  );
  return { texts, missing };
}

/** The lexical model's examples: every training text, plus the clause holding each laptop aspect term. */
export function trainingExamples(): { examples: Example[]; missing: string[] } {
  const { texts, missing } = trainingTexts();
  const byGroup = new Map<string, TrainingText[]>();
  for (const t of texts) byGroup.set(t.group, [...(byGroup.get(t.group) ?? []), t]);
  const examples: Example[] = [];
  for (const [group, items] of byGroup) {
    examples.push(...textExamples(items, group));
    const laptops = group === 'laptops' ? loadLaptops() : null;
    if (laptops) examples.push(...aspectClauseExamples(laptops, 'laptops'));
  }
  return { examples, missing };
}
