/**
 * The analyzer of the taxonomy in force, for the worker. The version is read on every call (one
 * `_id` lookup) so an analysis never uses a taxonomy older than the change that queued it; the
 * analyzer is rebuilt (taxonomy compiled, themes embedded for transformers) only when the
 * version moved, and the one it replaces is disposed.
 */
import { lexicalAnalyzer, type AnalyzerFactory, type TaxonomyAnalyzer } from './analysis-engine.js';
import type { VersionedTaxonomy } from '../taxonomy.service.js';

export interface AnalyzerVersion {
  version: number;
  analyzer: TaxonomyAnalyzer;
}

export interface TaxonomySource {
  version(): Promise<number>;
  current(): Promise<VersionedTaxonomy>;
}

export class CurrentTaxonomy {
  private cached: AnalyzerVersion | null = null;
  private loading: Promise<AnalyzerVersion> | null = null;

  constructor(
    private readonly source: TaxonomySource,
    private readonly createAnalyzer: AnalyzerFactory = lexicalAnalyzer,
  ) {}

  async get(): Promise<AnalyzerVersion> {
    const version = await this.source.version();
    if (this.cached && this.cached.version >= version) return this.cached;
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    const loaded = await this.loading;
    // A load that started before this call may predate the version read above: load again.
    return loaded.version >= version ? loaded : this.get();
  }

  /** Releases the analyzer (the transformer's ONNX sessions). */
  async close(): Promise<void> {
    await this.cached?.analyzer.dispose();
    this.cached = null;
  }

  private async load(): Promise<AnalyzerVersion> {
    const taxonomy = await this.source.current();
    const loaded = { version: taxonomy.version, analyzer: await this.createAnalyzer(taxonomy) };
    if (!this.cached || loaded.version >= this.cached.version) {
      // Jobs running on the old analyzer finish their current text first (dispose is not awaited by them).
      const replaced = this.cached;
      this.cached = loaded;
      if (replaced) setTimeout(() => void replaced.analyzer.dispose(), 30_000).unref();
    }
    return loaded;
  }
}
