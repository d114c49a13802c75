/** `npm run worker`: background jobs alone (analysis, reconciler, alerts, webhooks). */
import { runUntilSignalled } from './app.js';

await runUntilSignalled(['worker']);
