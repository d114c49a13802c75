/** Chart colours (contrast-checked against white) shared by the views. */
export const COLORS = {
  accent: '#0a5bc4',
  band: '#9cc3f5',
  promoter: '#1a7f37',
  passive: '#8c959f',
  detractor: '#cf222e',
  grid: '#d0d7de',
  benchmark: '#8a4600',
  target: '#6639ba',
};

export const CATEGORY_SCALE = {
  domain: ['Promoters', 'Passives', 'Detractors'],
  range: [COLORS.promoter, COLORS.passive, COLORS.detractor],
};
