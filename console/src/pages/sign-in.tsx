import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';

export function SignInPage({
  apiUrl,
  onSubmit,
  message,
}: {
  apiUrl: string;
  onSubmit: (key: string) => Promise<void>;
  /** Why the person is here again (signed out, key no longer accepted). */
  message?: string;
}) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Enter your API key.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(trimmed);
    } catch (failure) {
      setError(signInError(failure, apiUrl));
      input.current?.select();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>voec-border operations console</h1>
      <p>
        Sign in with your operator key, or with your partner key to see your own manifests. The key stays in
        this browser tab only and is forgotten when you sign out or close the tab.
      </p>
      {message ? (
        <p class="notice notice-info" role="status">
          {message}
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <label for="api-key">API key</label>
        <input
          ref={input}
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(event) => setKey((event.target as HTMLInputElement).value)}
          aria-describedby={error ? 'api-key-hint sign-in-error' : 'api-key-hint'}
          aria-invalid={error ? true : undefined}
        />
        <p id="api-key-hint" class="muted">
          Keys start with <code>vb_</code>. API: {apiUrl || 'this site'}
        </p>
        {error ? (
          <p id="sign-in-error" class="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function signInError(error: unknown, apiUrl: string): string {
  if (error instanceof ApiError) {
    if (error.kind === 'unauthorized') {
      return 'This key was not accepted. Check that you pasted the whole key; a revoked key stops working within 5 minutes.';
    }
    if (error.kind === 'network')
      return `The API at ${apiUrl || 'this site'} did not answer. Try again in a moment.`;
    return `Signing in failed: ${error.message}`;
  }
  return `Signing in failed: ${String(error)}`;
}
