import { describe, expect, it } from 'vitest';
import { createTextEmbedder } from '../../src/services/insights/emerging-embedder.js';

/** A backend that embeds each text as [its length], counting the texts it was asked for. */
function countingBackend() {
  const calls: number[] = [];
  return {
    calls,
    backend: {
      embed: async (texts: readonly string[]) => {
        calls.push(texts.length);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return texts.map((t) => Float32Array.of(t.length));
      },
      dispose: async () => undefined,
    },
  };
}

const silent = { info: () => undefined, error: () => undefined };
const texts = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} verbatim number ${i}`);

describe('emerging-theme embedder', () => {
  it('embeds a few new texts at once and reuses them', async () => {
    const { calls, backend } = countingBackend();
    const embedder = createTextEmbedder(async () => backend, silent);
    const some = texts(10, 'a');
    const vectors = await embedder.embed(some);
    expect(vectors?.map((v) => v[0])).toEqual(some.map((t) => t.length));
    expect(await embedder.embed([some[3], some[3]])).toHaveLength(2);
    expect(calls).toEqual([10]);
  });

  it('answers null at once for many new texts, embeds them in the background, then answers from memory', async () => {
    const { calls, backend } = countingBackend();
    const embedder = createTextEmbedder(async () => backend, silent);
    const many = texts(200, 'b');
    expect(await embedder.embed(many)).toBeNull();
    // A second query meanwhile does not start a second run.
    expect(await embedder.embed(many)).toBeNull();
    for (let i = 0; i < 100 && calls.reduce((a, b) => a + b, 0) < 200; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls.reduce((a, b) => a + b, 0)).toBe(200);
    expect(Math.max(...calls)).toBeLessThanOrEqual(32);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await embedder.embed(many))?.length).toBe(200);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it('answers null without a model', async () => {
    const embedder = createTextEmbedder(async () => null, silent);
    expect(await embedder.embed(['x'])).toBeNull();
  });
});
