// A token's meta: free JSON the server stores and answers as given. The editor
// refuses what the API would (not JSON, not an object, over maxMetaBytes) before
// sending, saying where it fails; an empty box removes the meta.
import { maxMetaBytes, type ApiToken, type Meta } from '@latchkey/contract';
import { useState } from 'preact/hooks';
import type { TokenOwnerApi } from './token-owner.js';
import { ErrorAlert, useSubmit } from './ui.js';

const asText = (meta: Meta | undefined) => (meta === undefined ? '' : JSON.stringify(meta, null, 2));

/** The meta to send (null: remove it), or a message saying what to fix. */
export function parseMeta(text: string): { meta: Meta | null } | { problem: string } {
  if (text.trim() === '') return { meta: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      problem: `Meta is not valid JSON: ${e instanceof Error ? e.message : String(e)}. Fix it, or empty the box to remove the meta.`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { problem: `Meta must be a JSON object, such as {"team": "ops"}; this is ${kind}.` };
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  if (bytes > maxMetaBytes) return { problem: `Meta is ${bytes} bytes as JSON; at most ${maxMetaBytes} bytes are stored. Shorten it.` };
  return { meta: value as Meta };
}

export function MetaEditor(props: { tokens: TokenOwnerApi; apiToken: ApiToken; onSaved: (updated: ApiToken) => void }) {
  const [text, setText] = useState(() => asText(props.apiToken.meta));
  const [notice, setNotice] = useState('');
  const { busy, error, refuse, run } = useSubmit();

  async function submit(event: Event) {
    event.preventDefault();
    setNotice('');
    const parsed = parseMeta(text);
    if ('problem' in parsed) return refuse(parsed.problem);
    await run(async () => {
      const updated = await props.tokens.patch(props.apiToken.id, { meta: parsed.meta });
      setText(asText(updated.meta));
      setNotice(parsed.meta === null ? 'Meta removed.' : 'Meta saved.');
      props.onSaved(updated);
    });
  }

  return (
    <form onSubmit={submit}>
      <label>
        <span>
          Meta (JSON object) <span class="hint">(stored and answered as given; at most {maxMetaBytes} bytes; empty: none)</span>
        </span>
        <textarea class="code" rows={8} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <ErrorAlert error={error} />
      <p class="notice" role="status">
        {notice}
      </p>
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy}>
          Save meta
        </button>
      </div>
    </form>
  );
}
