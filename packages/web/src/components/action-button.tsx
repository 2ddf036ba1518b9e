import { useAttempt } from '../library/attempt.js';
import { Problem } from './forms.js';

/**
 * A button that runs one piece of work (answering what went wrong, if anything), is disabled
 * while it runs, says what went wrong under it, and calls `onDone` afterwards either way.
 */
export function ActionButton(props: {
  text: string;
  /** The accessible name, when the text alone does not say what it acts on. */
  label?: string;
  run: () => Promise<string | undefined>;
  onDone: () => void;
}) {
  const { busy, problem, attempt } = useAttempt(props.onDone);
  return (
    <>
      <button
        type="button"
        aria-label={props.label}
        disabled={busy}
        onClick={() => void attempt(props.run)}
      >
        {props.text}
      </button>
      <Problem text={problem} />
    </>
  );
}
