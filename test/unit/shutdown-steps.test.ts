/** The shutdown steps share one budget: a step that never ends is abandoned and the rest still run. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runSteps } from '../../src/shutdown.js';

describe('runSteps', () => {
  it('abandons a stuck step after the budget, logs it, and still runs the later steps in order', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const ran: string[] = [];
    const started = Date.now();
    await runSteps(
      [
        { name: 'first', run: async () => void ran.push('first') },
        { name: 'stuck', run: () => new Promise(() => ran.push('stuck')) },
        {
          name: 'failing',
          run: async () => {
            ran.push('failing');
            throw new Error('boom');
          },
        },
        { name: 'last', run: async () => void ran.push('last') },
      ],
      300,
      log,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(ran).toEqual(['first', 'stuck', 'failing', 'last']);
    expect(lines.join('')).toMatch(/"step":"stuck".*did not finish in time/);
    expect(lines.join('')).toMatch(/"step":"failing".*"err":"boom"/);
  });
});
