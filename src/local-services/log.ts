/** The logging the local-services tooling needs: one line per event, injected by the caller. */
export type Log = (message: string) => void;

export const defaultLog: Log = (message) => console.error(`verbatim local services: ${message}`);

/** Hides user and password in a connection string, so URIs from the environment can be logged. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}
