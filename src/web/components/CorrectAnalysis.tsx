/**
 * Correct one response's themes or sentiment (correctAnalysis, see docs/corrections.md): ADMIN,
 * ANALYST and MANAGER keys (a manager sees, and so corrects, only responses inside its scope). Themes are picked from the taxonomy in force, so a correction never names a key
 * that does not exist.
 */
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { formText } from '../form';
import { graphql } from '../graphql';

const SENTIMENTS = ['POSITIVE', 'NEUTRAL', 'NEGATIVE'] as const;
type Sentiment = (typeof SENTIMENTS)[number];

const Correct = graphql(`
  mutation CorrectAnalysis($id: ID!, $input: CorrectionInput!) {
    correctAnalysis(responseId: $id, input: $input) {
      id
      analysis {
        corrected
        correctedBy
        sentiment {
          label
        }
        themes {
          key
        }
      }
    }
  }
`);

const Themes = graphql(`
  query CorrectionThemes {
    themes {
      key
      label
    }
  }
`);

export function CorrectAnalysis({ responseId, themes, sentiment }: { responseId: string; themes: string[]; sentiment: Sentiment | null }) {
  const [open, setOpen] = useState(false);
  const [result, correct] = useMutation(Correct);
  // Asked for only once the form is open; urql's cache serves every later form.
  const [taxonomy] = useQuery({ query: Themes, pause: !open });
  const done = result.data?.correctAnalysis.analysis;
  if (!open)
    return (
      <div class="correction">
        {done && (
          <p class="notice" role="status" data-testid="corrected">
            Corrected by {done.correctedBy ?? 'you'}: themes {done.themes.map((t) => t.key).join(', ') || 'none'}; sentiment{' '}
            {done.sentiment?.label.toLowerCase() ?? '–'}.
          </p>
        )}
        <button type="button" onClick={() => setOpen(true)}>
          Correct…
        </button>
      </div>
    );
  return (
    <form
      class="inline-form correction"
      onSubmit={(e) => {
        e.preventDefault();
        const keys = new FormData(e.currentTarget).getAll('themes').filter((k): k is string => typeof k === 'string');
        const label = formText(e.currentTarget, 'sentiment') as Sentiment;
        void correct({ id: responseId, input: { themes: keys, sentiment: label } }).then((r) => {
          if (!r.error) setOpen(false);
        });
      }}
    >
      <fieldset class="theme-picker">
        <legend>Themes</legend>
        {taxonomy.fetching && <span>Loading themes…</span>}
        {taxonomy.error && (
          <span class="notice error" role="alert">
            Themes could not be loaded: {taxonomy.error.message}
          </span>
        )}
        {taxonomy.data?.themes.map((t) => (
          <label key={t.key} title={t.key}>
            <input type="checkbox" name="themes" value={t.key} defaultChecked={themes.includes(t.key)} /> {t.label}
          </label>
        ))}
      </fieldset>
      <label>
        Sentiment{' '}
        <select name="sentiment" defaultValue={sentiment ?? 'NEUTRAL'}>
          {SENTIMENTS.map((s) => (
            <option value={s}>{s.toLowerCase()}</option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={result.fetching}>
        Save correction
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {result.error && (
        <p class="notice error" role="alert">
          {result.error.graphQLErrors[0]?.message ?? result.error.message}
        </p>
      )}
    </form>
  );
}
