import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import './confirmed-action.css';

type Step = 'idle' | 'asking' | 'cancelled';

/**
 * A change that cannot be undone, behind a second click: the button opens a prompt in place
 * (never window.confirm, which blocks the page and cannot be styled or tested), whose own
 * button makes the change. Keyboard focus follows: to the safe choice when asked, back to the
 * button when cancelled.
 */
export function ConfirmedAction(props: {
  /** The first button's text, "Revoke…". */
  label: string;
  /** The question, naming what goes and what it means. */
  prompt: ReactNode;
  /** The button that makes the change, "Revoke for good". */
  confirm: string;
  /** The element naming the thing acted on, for the first button's description. */
  describedBy?: string;
  disabled?: boolean;
  onConfirm: () => Promise<void>;
}) {
  const [step, setStep] = useState<Step>('idle');
  const [busy, setBusy] = useState(false);
  const promptId = useId();
  const openButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (step === 'asking') cancelButton.current?.focus();
    if (step === 'cancelled') openButton.current?.focus();
  }, [step]);

  const disabled = busy || props.disabled === true;
  if (step !== 'asking') {
    return (
      <button
        type="button"
        ref={openButton}
        aria-describedby={props.describedBy}
        disabled={disabled}
        onClick={() => {
          setStep('asking');
        }}
      >
        {props.label}
      </button>
    );
  }
  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      setStep('idle');
    }
  };
  return (
    <div className="confirm" role="group" aria-labelledby={promptId}>
      <p id={promptId}>{props.prompt}</p>
      <button
        type="button"
        ref={cancelButton}
        disabled={disabled}
        onClick={() => {
          setStep('cancelled');
        }}
      >
        Cancel
      </button>
      <button type="button" className="danger" disabled={disabled} onClick={() => void confirm()}>
        {props.confirm}
      </button>
    </div>
  );
}
