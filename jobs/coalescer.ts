/**
 * Coalesces single jobs into batches: each `add` waits until `max` items are pending or `windowMs`
 * passed since the first of them, then the batch runs once and every caller gets its own result.
 * BullMQ (open source) hands a worker one job at a time; the analysis handler uses this so that
 * jobs running at once share one read and one bulk write (docs/pipeline.md, "Batches").
 */
export type Settled<R> = { ok: true; outcome: R } | { ok: false; error: Error };

export class Coalescer<T, R> {
  private pending: { item: T; resolve: (outcome: R) => void; reject: (error: Error) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    /** Runs a batch; returns one result per item, in order. A throw fails every item. */
    private readonly run: (items: T[]) => Promise<readonly Settled<R>[]>,
    private readonly options: { max: number; windowMs: number },
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.max) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.run(batch.map((b) => b.item)).then(
      (results) =>
        batch.forEach((b, i) => {
          const result = results[i];
          if (result?.ok) b.resolve(result.outcome);
          else b.reject(result?.error ?? new Error('batch returned no result for this item'));
        }),
      (err: Error) => batch.forEach((b) => b.reject(err)),
    );
  }
}
