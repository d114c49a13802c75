/** Loading and error states of a query, worded for people rather than developers. */
import type { CombinedError } from '@urql/core';

export function QueryStatus({ fetching, error }: { fetching: boolean; error?: CombinedError | undefined }) {
  if (error) {
    const code = error.graphQLErrors[0]?.extensions?.code;
    const message =
      code === 'FORBIDDEN'
        ? 'Your key’s role may not see this.'
        : error.networkError
          ? 'The service cannot be reached right now; retrying when you change a filter.'
          : (error.graphQLErrors[0]?.message ?? error.message);
    return (
      <p class="notice error" role="alert">
        {message}
      </p>
    );
  }
  return fetching ? (
    <p class="notice" aria-live="polite">
      Loading…
    </p>
  ) : null;
}
