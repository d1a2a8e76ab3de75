// Small shared pieces: a modal dialog on the native <dialog> (focus trap, Escape),
// and the error banner that shows the server's {type, message}.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { ShownError } from './api.js';

export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} class={props.wide ? 'wide' : undefined} aria-labelledby={titleId} onClose={() => onClose.current()}>
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

export function ErrorAlert({ error }: { error: ShownError | null }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <strong>{error.type}</strong>: {error.message}
    </div>
  );
}

/** A token's name and description inputs, with the limits the API enforces; create and edit share them. */
export function NameFields(props: {
  name: string;
  description: string;
  onName: (value: string) => void;
  onDescription: (value: string) => void;
  descriptionRows: number;
}) {
  return (
    <>
      <label>
        Name
        <input type="text" required maxLength={255} value={props.name} onInput={(e) => props.onName(e.currentTarget.value)} />
      </label>
      <label>
        Description
        <textarea
          rows={props.descriptionRows}
          maxLength={32767}
          value={props.description}
          onInput={(e) => props.onDescription(e.currentTarget.value)}
        />
      </label>
    </>
  );
}
