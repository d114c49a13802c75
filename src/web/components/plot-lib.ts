/**
 * The parts of Observable Plot the charts use, as one module: imported dynamically (Chart.tsx's
 * `loadPlot`), which keeps the rest of Plot out of the bundle (a dynamic import of the package
 * itself would take all of it).
 */
export { areaY, barX, barY, cell, dot, lineY, plot, ruleX, ruleY, stackX, text } from '@observablehq/plot';
