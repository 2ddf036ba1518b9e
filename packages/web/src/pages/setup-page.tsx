import { useState } from 'react';
import { api, failureMessage } from '../api/client.js';
import { InlineForm, NewPasswordField, TextField } from '../components/forms.js';
import { useAttempt } from '../library/attempt.js';
import { navigate } from '../router.js';

/**
 * The first start's one-time page: `keepsake serve` prints its address with the setup token
 * after `#` (a fragment never reaches the server's logs); it makes the administrator and signs
 * them in.
 */
export function SetupPage(props: { onSignedIn: () => Promise<void> }) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [user, setUser] = useState('admin');
  const [password, setPassword] = useState('');
  const { busy, problem, attempt } = useAttempt();
  const create = () =>
    attempt(async () => {
      const made = await api.POST('/api/v1/setup', { body: { token, user, password } });
      if (!made.data) return failureMessage(made);
      const session = await api.POST('/api/v1/session', { body: { user, password } });
      if (!session.data) return failureMessage(session);
      navigate('/');
      await props.onSignedIn();
      return undefined;
    });
  return (
    <main className="sign-in">
      <h1>Welcome to Keepsake</h1>
      {token === '' ? (
        <p role="alert" className="error">
          This page needs the setup address <code>keepsake serve</code> printed when it first
          started (it ends in <code>#token=…</code>).
        </p>
      ) : (
        <InlineForm
          label="Create the administrator"
          onSubmit={() => void create()}
          problem={problem}
        >
          <TextField
            label="User name"
            value={user}
            onChange={setUser}
            maxLength={64}
            autoComplete="username"
          />
          <NewPasswordField
            label="Password (at least 8 characters)"
            value={password}
            onChange={setPassword}
          />
          <button type="submit" disabled={busy}>
            Create and sign in
          </button>
        </InlineForm>
      )}
    </main>
  );
}
