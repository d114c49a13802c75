/** `npm run api`: the GraphQL API alone (scale it horizontally behind a load balancer). */
import { runUntilSignalled } from './app.js';

await runUntilSignalled(['api']);
