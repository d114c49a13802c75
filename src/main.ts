/** `npm start`: API and worker in one process; local FerretDB and Redis when none are configured. */
import { runUntilSignalled } from './app.js';

await runUntilSignalled(['api', 'worker']);
