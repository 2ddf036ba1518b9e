import type { ReactNode } from 'react';
import './forms.css';

// The small pieces every form and action of the app is made of, so each says what went wrong
// the same way, where the user is looking.

/** What went wrong, announced; nothing when nothing did. */
export function Problem({ text }: { text: string | undefined }) {
  return text ? (
    <p role="alert" className="error">
      {text}
    </p>
  ) : null;
}

/** A form of a few fields on one line: submitting runs `onSubmit`, no page load. */
export function InlineForm(props: {
  label: string;
  onSubmit: () => void;
  problem: string | undefined;
  children: ReactNode;
}) {
  return (
    <form
      className="inline-form"
      aria-label={props.label}
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      {props.children}
      <Problem text={props.problem} />
    </form>
  );
}

/** A labelled, required text (or password) input. */
export function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  maxLength: number;
  minLength?: number;
  type?: 'text' | 'password';
  autoComplete?: string;
}) {
  return (
    <label>
      {props.label}
      <input
        required
        type={props.type ?? 'text'}
        minLength={props.minLength}
        maxLength={props.maxLength}
        autoComplete={props.autoComplete}
        value={props.value}
        onChange={(event) => {
          props.onChange(event.target.value);
        }}
      />
    </label>
  );
}

/** The server's rule for a password (users.ts), so the browser says so before it is sent. */
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 1000;

/** A password being chosen, held to the server's length rule. */
export function NewPasswordField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      {...props}
      type="password"
      autoComplete="new-password"
      minLength={PASSWORD_MIN}
      maxLength={PASSWORD_MAX}
    />
  );
}
