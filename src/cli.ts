/**
 * `verbatim` command line: dispatches to one module per sub-command.
 * Each command module exports `run(argv) → exit code`.
 */
const COMMANDS: Record<string, { describe: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  analyze: { describe: 'analyse verbatims from a JSONL/CSV file into JSONL', load: () => import('./cli/analyze.js') },
  discover: { describe: 'propose candidate new themes from a file of verbatims', load: () => import('./cli/discover.js') },
  import: { describe: 'import responses from a CSV/JSONL file into the service', load: () => import('./cli/import.js') },
  'import-events': {
    describe: 'import touchpoint events (survey programme) from a CSV/JSONL file',
    load: () => import('./cli/import-events.js'),
  },
  models: { describe: 'install the sentence-embedding model of the transformer engine', load: () => import('./cli/models.js') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.describe}`);
  return `usage: verbatim <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'verbatim <command> --help' for a command's options.`;
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`verbatim: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`verbatim: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
