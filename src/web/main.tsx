/** The insight app: sign-in with an API key, then the views that key's role and scope may read. */
import { Provider, useQuery } from '@urql/preact';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { checkKey, createApiClient, ViewerQuery } from './client';
import { loadPlot } from './components/Chart';
import { Filters } from './components/Filters';
import { formText } from './form';
import { QueryStatus } from './components/Status';
import { AtRisk } from './pages/AtRisk';
import { Emerging } from './pages/Emerging';
import { FollowUps } from './pages/FollowUps';
import { Overview } from './pages/Overview';
import { Segments } from './pages/Segments';
import { Why } from './pages/Why';
import { session } from './session';
import { useUrlState, type View } from './url-state';
import './styles.css';

const NAV: { view: View; label: string }[] = [
  { view: 'overview', label: 'Overview' },
  { view: 'why', label: 'Why' },
  { view: 'segments', label: 'Segments' },
  { view: 'followups', label: 'Follow-ups' },
  { view: 'atrisk', label: 'At risk' },
  { view: 'emerging', label: 'Emerging themes' },
];

function App() {
  const [key, setKey] = useState(session.key());
  const api = useMemo(() => (key ? createApiClient(key) : null), [key]);
  useEffect(() => () => api?.close(), [api]);
  if (!key || !api)
    return (
      <SignIn
        onSignedIn={(k) => {
          session.signIn(k);
          setKey(k);
        }}
      />
    );
  return (
    <Provider value={api.client}>
      <Shell
        onSignOut={() => {
          session.signOut();
          setKey(null);
        }}
      />
    </Provider>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (key: string) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <main class="signin">
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          const key = formText(e.currentTarget, 'apiKey');
          if (!key) return setError('Enter your API key.');
          setBusy(true);
          // checkKey answers failures as a result, so nothing is left to reject.
          void checkKey(key).then((result) => {
            setBusy(false);
            if (result.ok) onSignedIn(key);
            else setError(result.message);
          });
        }}
      >
        <h1>Verbatim insights</h1>
        <p>Sign in with the API key you were given. It stays in this browser tab only.</p>
        <label for="apiKey">API key</label>
        <input
          id="apiKey"
          type="password"
          name="apiKey"
          autocomplete="current-password"
          autofocus
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'signin-error' : undefined}
        />
        {error && (
          <p id="signin-error" class="notice error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const [state, update] = useUrlState();
  const [{ data, error, fetching }] = useQuery({ query: ViewerQuery });
  useEffect(() => {
    // A revoked or expired key: back to sign-in rather than a page of errors.
    if (
      error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED') ||
      (error?.response as Response | undefined)?.status === 401
    )
      onSignOut();
  }, [error]);
  // The charts' library loads once this render's queries are on their way (effects run children first).
  useEffect(() => {
    const started = setTimeout(() => void loadPlot());
    return () => clearTimeout(started);
  }, []);
  const title = NAV.find((n) => n.view === state.view)?.label ?? '';
  useTitle(title);
  // The page's own queries go out beside the viewer's rather than after it: only what the role
  // decides (actions, corrections) waits for the viewer.
  if (!data && error) return <QueryStatus fetching={fetching} error={error} />;
  const viewer = data?.viewer ?? null;
  const role = viewer?.role ?? null;
  const waitForRole = <QueryStatus fetching={fetching} error={error} />;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Verbatim</span>
        <nav aria-label="Views">
          {NAV.map((n) => (
            <a
              href={`?view=${n.view}`}
              aria-current={n.view === state.view ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                update({ view: n.view, theme: '' });
              }}
            >
              {n.label}
            </a>
          ))}
        </nav>
        <span class="who">
          {viewer && (
            <>
              {viewer.role.toLowerCase()}
              {viewer.scope.length > 0 && <> · {viewer.scope.map((s) => `${s.key}: ${s.value}`).join(', ')}</>}
            </>
          )}
          <button type="button" class="link" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main">
        <h1>{title}</h1>
        {state.view !== 'followups' && state.view !== 'atrisk' && <Filters state={state} update={update} />}
        {state.view === 'overview' && <Overview state={state} />}
        {state.view === 'why' && (
          <Why
            state={state}
            update={update}
            canCorrect={role === null ? null : role === 'ADMIN' || role === 'ANALYST' || role === 'MANAGER'}
          />
        )}
        {state.view === 'segments' && <Segments state={state} update={update} />}
        {state.view === 'followups' &&
          (role ? <FollowUps state={state} update={update} canAct={role === 'MANAGER' || role === 'ADMIN'} /> : waitForRole)}
        {state.view === 'atrisk' && <AtRisk />}
        {state.view === 'emerging' && (role ? <Emerging state={state} isAdmin={role === 'ADMIN'} /> : waitForRole)}
      </main>
    </>
  );
}

function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Verbatim insights`;
  }, [title]);
}

render(<App />, document.getElementById('root')!);
