// A token's name and description, edited from its row in the list or from its page.
import type { ApiToken } from '@latchkey/contract';
import { useState } from 'preact/hooks';
import { toShownError, type ShownError } from './api.js';
import type { TokenOwnerApi } from './token-owner.js';
import { Dialog, ErrorAlert, NameFields } from './ui.js';

export function TokenEditDialog(props: { tokens: TokenOwnerApi; apiToken: ApiToken; onClose: (saved: boolean) => void }) {
  const [name, setName] = useState(props.apiToken.name);
  const [description, setDescription] = useState(props.apiToken.description ?? '');
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.tokens.patch(props.apiToken.id, { name: name.trim(), description });
      props.onClose(true);
    } catch (e) {
      setError(toShownError(e));
      setBusy(false);
    }
  }
  return (
    <Dialog title={`Edit “${props.apiToken.name}”`} onClose={() => props.onClose(false)}>
      <form onSubmit={submit}>
        <NameFields name={name} description={description} onName={setName} onDescription={setDescription} descriptionRows={3} />
        <ErrorAlert error={error} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            Save
          </button>
          <button type="button" onClick={() => props.onClose(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
