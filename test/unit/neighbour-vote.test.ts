import { describe, expect, it } from 'vitest';
import { chooseNeighbourVote, nearest, neighbourVote, neighbourVoteTop1, themeDistribution } from '../../bench/lib/neighbour-vote.js';

const unit = (...xs: number[]) => {
  const norm = Math.hypot(...xs);
  return Float32Array.from(xs, (x) => x / norm);
};

describe('neighbour vote', () => {
  it('turns a similarity row into a distribution that favours the most similar theme', () => {
    const p = themeDistribution([0.5, 0.46, 0.3]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(p[0]).toBeGreaterThan(p[1]);
    expect(p[1]).toBeGreaterThan(p[2]);
  });

  it('finds the most similar pool vectors first, ties by index', () => {
    const pool = [unit(1, 0), unit(0, 1), unit(1, 1), unit(1, 0)];
    expect(nearest(unit(1, 0.1), pool, 3).map((n) => n.index)).toEqual([0, 3, 2]);
  });

  it('lets the neighbours outvote a text whose own zero-shot guess is wrong', () => {
    const own = Float64Array.from([0.6, 0.4]);
    const pool = [Float64Array.from([0.1, 0.9]), Float64Array.from([0.2, 0.8]), Float64Array.from([0.9, 0.1])];
    const neighbours = [
      { index: 0, similarity: 0.9 },
      { index: 1, similarity: 0.8 },
      { index: 2, similarity: 0.1 },
    ];
    const alone = neighbourVote(own, neighbours, pool, { k: 2, ownWeight: 0 });
    expect(alone[1]).toBeCloseTo((0.9 * 0.9 + 0.8 * 0.8) / 1.7);
    expect(alone[1]).toBeGreaterThan(alone[0]);
    // ownWeight 1 keeps the text's own distribution; k limits who votes.
    expect(Array.from(neighbourVote(own, neighbours, pool, { k: 2, ownWeight: 1 }))).toEqual([0.6, 0.4]);
    expect(neighbourVote(own, neighbours.slice(2), pool, { k: 1, ownWeight: 0 })[0]).toBeCloseTo(0.9);
  });

  it('keeps the own distribution when no neighbour is similar at all', () => {
    const own = Float64Array.from([0.7, 0.3]);
    expect(Array.from(neighbourVote(own, [{ index: 0, similarity: -0.2 }], [Float64Array.from([0, 1])], { k: 5, ownWeight: 0 }))).toEqual([
      0.7, 0.3,
    ]);
  });
});

describe('choosing and applying the vote', () => {
  // Two themes; the zero-shot rows lean the wrong way for texts near the pool's theme-1 cluster.
  const pool = {
    vectors: [unit(1, 0.1), unit(1, 0.15), unit(1, 0.2), unit(0.1, 1), unit(0.15, 1)],
    similarities: [
      [0.2, 0.5],
      [0.2, 0.5],
      [0.2, 0.5],
      [0.5, 0.2],
      [0.5, 0.2],
    ],
  };

  it('votes each query by its neighbours and keeps the best dev setting', () => {
    const query = { vectors: [unit(1, 0.12)], similarities: [[0.5, 0.45]] };
    // Alone the query says theme 0; its three nearest pool texts say theme 1.
    expect(neighbourVoteTop1(query, pool, { k: 3, ownWeight: 1 })).toEqual([0]);
    expect(neighbourVoteTop1(query, pool, { k: 3, ownWeight: 0 })).toEqual([1]);

    const dev = { vectors: [pool.vectors[0]], similarities: [[0.5, 0.45]], gold: [1] };
    const chosen = chooseNeighbourVote(dev, pool, new Set([0]));
    expect(chosen.devTop1).toBe(1);
    expect(chosen.ownWeight).toBe(0);
  });
});
