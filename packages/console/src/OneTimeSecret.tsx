// A secret the API answers exactly once (a token's on create and rotation, a
// webhook's signing secret on create and rotation), in its own dialog: read-only,
// selectable, with a copy button and the warning that it will not be shown again.
import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';
import { Dialog } from './ui.js';

export function OneTimeSecret(props: {
  title: string;
  /** The input's label, e.g. "Signing secret of https://…". */
  label: string;
  /** What it is, in the warning and the copy button: "signing secret". */
  noun: string;
  secret: string;
  /** Why it matters and what to do with it. */
  children: ComponentChildren;
  onDone: () => void;
}) {
  const inputId = useId();
  const [copied, setCopied] = useState('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied('Copied to the clipboard.');
    } catch {
      // No clipboard permission (e.g. plain http): select it for a manual copy.
      const input = document.getElementById(inputId) as HTMLInputElement | null;
      input?.select();
      setCopied(document.execCommand('copy') ? 'Copied to the clipboard.' : `Select the ${props.noun} and copy it by hand.`);
    }
  }
  return (
    <Dialog title={props.title} onClose={props.onDone}>
      <div class="one-time">
        <p class="warning" role="alert">
          <strong>Copy this {props.noun} now: it will not be shown again.</strong> {props.children}
        </p>
        <label>
          {props.label}
          <input id={inputId} type="text" readOnly value={props.secret} spellcheck={false} onFocus={(e) => e.currentTarget.select()} />
        </label>
        <div class="buttons">
          <button type="button" class="primary" onClick={copy}>
            Copy {props.noun}
          </button>
          <button type="button" onClick={props.onDone}>
            Done
          </button>
        </div>
        <p class="hint" role="status">
          {copied}
        </p>
      </div>
    </Dialog>
  );
}
