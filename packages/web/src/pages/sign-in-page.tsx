import { useState } from 'react';
import { api, failureMessage } from '../api/client.js';
import { Problem } from '../components/forms.js';

export function SignInPage(props: { onSignedIn: () => Promise<void> }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const signIn = async () => {
    setBusy(true);
    const result = await api.POST('/api/v1/session', { body: { user, password } });
    setBusy(false);
    if (result.data) await props.onSignedIn();
    else setError(failureMessage(result));
  };
  return (
    <main className="sign-in">
      <h1>Keepsake</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void signIn();
        }}
      >
        <label>
          User name
          <input
            name="user"
            autoComplete="username"
            required
            autoFocus
            value={user}
            onChange={(event) => {
              setUser(event.target.value);
            }}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
        </label>
        <Problem text={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
