import { analyze, compileTaxonomy, defaultTaxonomy, type AnalysisResult } from '../../../src/analysis/index.js';

/** The default taxonomy, compiled once for all tests (as callers are meant to). */
export const taxonomy = compileTaxonomy(defaultTaxonomy);

export const run = (text: string): AnalysisResult => analyze(text, taxonomy);

export const themeKeys = (text: string): string[] => run(text).themes.map((t) => t.key);

export const themeOf = (text: string, key: string) => run(text).themes.find((t) => t.key === key);
