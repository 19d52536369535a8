import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A destructive action asked twice, in place: the first press asks, the second (on a button that
 * now says what will happen) does it; Cancel or Escape backs out. Focus moves to the question.
 */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  busy?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button type="button" class="danger" onClick={() => setAsking(true)} disabled={props.busy}>
        {props.label}
      </button>
    );
  return (
    <fieldset class="confirm" onKeyDown={(e) => e.key === 'Escape' && setAsking(false)}>
      <legend>{props.question}</legend>
      <button
        type="button"
        class="danger"
        ref={confirmRef}
        onClick={async () => {
          await props.onConfirm();
          setAsking(false);
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </fieldset>
  );
}
