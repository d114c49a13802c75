/**
 * The compiled taxonomy in force, for the worker. The version is read on every call (one `_id`
 * lookup) so an analysis never uses a taxonomy older than the change that queued it; compiling
 * happens only when the version moved.
 */
import { compileTaxonomy, type CompiledTaxonomy } from '../analysis/index.js';
import type { VersionedTaxonomy } from './taxonomy.service.js';

export interface CompiledVersion {
  version: number;
  compiled: CompiledTaxonomy;
}

export interface TaxonomySource {
  version(): Promise<number>;
  current(): Promise<VersionedTaxonomy>;
}

export class CurrentTaxonomy {
  private cached: CompiledVersion | null = null;
  private loading: Promise<CompiledVersion> | null = null;

  constructor(private readonly source: TaxonomySource) {}

  async get(): Promise<CompiledVersion> {
    const version = await this.source.version();
    if (this.cached && this.cached.version >= version) return this.cached;
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    const loaded = await this.loading;
    // A load that started before this call may predate the version read above: load again.
    return loaded.version >= version ? loaded : this.get();
  }

  private async load(): Promise<CompiledVersion> {
    const taxonomy = await this.source.current();
    const compiled = { version: taxonomy.version, compiled: compileTaxonomy(taxonomy) };
    if (!this.cached || compiled.version >= this.cached.version) this.cached = compiled;
    return compiled;
  }
}
