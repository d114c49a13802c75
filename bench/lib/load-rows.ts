/** The rows `npm run bench:load` submits and imports (also `BENCH_SHAPE=load npm run bench:pipeline`), and the benches' comments. */
/** The comments the benches' generated rows take in turn. */
export const BENCH_COMMENTS = [
  'Support took three days to answer and the invoice was wrong again',
  'Love the new dashboard, setup was quick',
  'Too expensive for what it does, thinking about switching',
  'Reliable, fast, no complaints',
  'The mobile app keeps crashing when I upload receipts',
  'Great onboarding, the team walked us through everything',
];

/** Row `i` of a load run: 5,000 customers, answers spread over the last 90 days, six comments in turn. */
export function loadRow(run: string, kind: string, i: number) {
  return {
    externalId: `${run}-${kind}-${i}`,
    score: i % 11,
    comment: BENCH_COMMENTS[i % BENCH_COMMENTS.length],
    respondedAt: new Date(Date.now() - (i % 90) * 86_400_000).toISOString(),
    touchpoint: `${run}-${kind}`,
    customer: { externalId: `cust-${i % 5000}`, accountValue: 1000 + (i % 50) * 100 },
    attributes: [
      { key: 'region', value: ['West', 'East', 'North', 'South'][i % 4] },
      { key: 'plan', value: ['free', 'pro', 'enterprise'][i % 3] },
    ],
  };
}
