/**
 * Published industry NPS benchmarks: a data file validated at load, looked up by industry
 * (case-insensitive), newest year first. Figures come only from the file, never computed.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../../errors.js';

const benchmarkSchema = z.object({
  industry: z.string().min(1).max(100),
  region: z.string().min(1).max(100),
  year: z.number().int().min(1990).max(2100),
  statistic: z.enum(['AVERAGE', 'MEDIAN']),
  value: z.number().min(-100).max(100),
  source: z.string().min(1).max(200),
  url: z.url(),
});
const fileSchema = z.object({ note: z.string().optional(), benchmarks: z.array(benchmarkSchema) });

export type Benchmark = z.output<typeof benchmarkSchema>;

const BENCHMARKS_FILE = new URL('./benchmarks.json', import.meta.url);

/** Reads and validates a benchmarks file; a bad file fails loudly at start, naming the row. */
export function loadBenchmarks(file: URL | string = BENCHMARKS_FILE): Benchmark[] {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `invalid benchmarks file ${String(file)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data.benchmarks;
}

const norm = (s: string) => s.trim().toLowerCase();

export class BenchmarkService {
  constructor(
    private readonly benchmarks: readonly Benchmark[],
    /** The programme's own industry: the comparison `nps` and reports show when none is asked for. */
    private readonly defaultIndustry: string | null,
  ) {}

  /** Every benchmark of an industry (all when omitted), newest first. */
  list(industry?: string | null): Benchmark[] {
    if (industry != null && (industry.trim() === '' || industry.length > 100))
      throw new InputError([{ field: 'industry', message: 'must be 1–100 characters' }]);
    const rows = industry == null ? [...this.benchmarks] : this.benchmarks.filter((b) => norm(b.industry) === norm(industry));
    return rows.sort((a, b) => b.year - a.year || a.industry.localeCompare(b.industry) || a.region.localeCompare(b.region));
  }

  /** The newest benchmark of the industry (default: the configured one); null when there is none. */
  compareWith(industry?: string | null): Benchmark | null {
    const wanted = industry ?? this.defaultIndustry;
    if (wanted == null) return null;
    return this.list(wanted)[0] ?? null;
  }
}
