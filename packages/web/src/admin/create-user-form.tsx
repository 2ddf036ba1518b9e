import { useState } from 'react';
import { api, failureMessage } from '../api/client.js';
import { InlineForm, NewPasswordField, TextField } from '../components/forms.js';
import { useAttempt } from '../library/attempt.js';

/** The server's rule for a user's name, said again here so the browser checks it as one types. */
const NAME_MAX = 64;

/** Creates a user with a library of their own; `onCreated` with their name once it exists. */
export function CreateUserForm(props: { onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const { busy, problem, attempt } = useAttempt();
  const create = () =>
    attempt(async () => {
      const result = await api.POST('/api/v1/users', { body: { name, password, isAdmin } });
      if (!result.data) return `Not created: ${failureMessage(result)}`;
      setName('');
      setPassword('');
      setIsAdmin(false);
      props.onCreated(result.data.user.name);
      return undefined;
    });
  return (
    <InlineForm label="Create a user" onSubmit={() => void create()} problem={problem}>
      <TextField label="Name" value={name} onChange={setName} maxLength={NAME_MAX} />
      <NewPasswordField label="Password" value={password} onChange={setPassword} />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={isAdmin}
          onChange={(event) => {
            setIsAdmin(event.target.checked);
          }}
        />
        Administrator
      </label>
      <button type="submit" disabled={busy}>
        Create user
      </button>
    </InlineForm>
  );
}
