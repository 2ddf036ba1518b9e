import { useEffect, useRef, useState } from 'react';
import { api, failureMessage } from '../api/client.js';
import { InlineForm, NewPasswordField } from '../components/forms.js';
import { useAttempt } from '../library/attempt.js';

/**
 * A user's password set anew by an administrator, in the user's row: a button opens the form
 * (a second step, so a stray click changes nothing), and it says when the password changed.
 */
export function ResetPassword(props: { userId: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { busy, problem, attempt } = useAttempt();
  const form = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) form.current?.querySelector('input')?.focus();
  }, [open]);

  const reset = () =>
    attempt(async () => {
      const result = await api.PUT('/api/v1/users/{id}/password', {
        params: { path: { id: props.userId } },
        body: { password },
      });
      if (!result.data) return `Not changed: ${failureMessage(result)}`;
      setPassword('');
      setOpen(false);
      setDone(true);
      return undefined;
    });

  if (!open) {
    return (
      <>
        <button
          type="button"
          onClick={() => {
            setOpen(true);
            setDone(false);
          }}
        >
          Reset password…
        </button>
        <span role="status">{done && ` Password of ${props.name} changed.`}</span>
      </>
    );
  }
  return (
    <div ref={form}>
      <InlineForm
        label={`Reset the password of ${props.name}`}
        onSubmit={() => void reset()}
        problem={problem}
      >
        <NewPasswordField
          label={`New password for ${props.name}`}
          value={password}
          onChange={setPassword}
        />
        <button
          type="button"
          onClick={() => {
            setOpen(false);
            setPassword('');
          }}
        >
          Cancel
        </button>
        <button type="submit" className="danger" disabled={busy}>
          Set password
        </button>
      </InlineForm>
    </div>
  );
}
