// A token's name and description, edited from its row in the list or from its page.
import type { ApiToken } from '@latchkey/contract';
import { useState } from 'preact/hooks';
import type { TokenOwnerApi } from './token-owner.js';
import { Dialog, ErrorAlert, NameFields, useSubmit } from './ui.js';

export function TokenEditDialog(props: { tokens: TokenOwnerApi; apiToken: ApiToken; onClose: (saved: boolean) => void }) {
  const [name, setName] = useState(props.apiToken.name);
  const [description, setDescription] = useState(props.apiToken.description ?? '');
  const { busy, error, run } = useSubmit();
  async function submit(event: Event) {
    event.preventDefault();
    if (await run(() => props.tokens.patch(props.apiToken.id, { name: name.trim(), description }))) props.onClose(true);
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
