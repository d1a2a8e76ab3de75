// Small shared pieces: a modal dialog on the native <dialog> (focus trap, Escape), the
// error banner that shows the server's {type, message}, a pager, a confirmation, a
// loader that keeps only the newest answer, and a page's section tabs.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { toShownError, type ShownError } from './api.js';

export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  // Closed because it left the page (e.g. a create dialog replaced by the secret it
  // made): that is not the user closing it, so onClose is not called.
  const unmounted = useRef(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      unmounted.current = true;
      if (dialog?.open) dialog.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={props.wide ? 'wide' : undefined}
      aria-labelledby={titleId}
      onClose={() => {
        if (!unmounted.current) onClose.current();
      }}
    >
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

/** What the forms that name something say of a name of spaces alone (`required` stops an empty one). */
export const blankName = 'Enter a name (spaces alone are not a name).';

/**
 * A name and description inputs, with the limits the API enforces; create and edit
 * share them. Descriptions are 32767 characters for tokens and organizations, 1024
 * for applications (`descriptionMaxLength`).
 */
export function NameFields(props: {
  name: string;
  description: string;
  onName: (value: string) => void;
  onDescription: (value: string) => void;
  descriptionRows: number;
  descriptionMaxLength?: number;
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
          maxLength={props.descriptionMaxLength ?? 32767}
          value={props.description}
          onInput={(e) => props.onDescription(e.currentTarget.value)}
        />
      </label>
    </>
  );
}

/**
 * Previous and next over a list the API pages (`page` counts from 0, as the API's
 * does): give it the page the API answered, not the one asked for, so what it says
 * matches the rows shown while the next page loads. Shown only when there is more
 * than one page.
 */
export function Pager(props: { label: string; page: number; perPage: number; totalCount: number; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(props.totalCount / props.perPage));
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={props.label}>
      <button type="button" disabled={props.page === 0} onClick={() => props.onPage(props.page - 1)}>
        Previous page
      </button>
      <span>
        Page {props.page + 1} of {pages}
      </span>
      <button type="button" disabled={props.page + 1 >= pages} onClick={() => props.onPage(props.page + 1)}>
        Next page
      </button>
    </nav>
  );
}

/**
 * Asks before a destructive action. With `typed`, the button stays disabled until
 * that exact text (e.g. the thing's name) is typed, for what cannot be undone and
 * takes more with it (an application, an organization).
 */
export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  typed?: string;
  onConfirm: () => Promise<void>;
  onClose: (done: boolean) => void;
}) {
  const [typed, setTyped] = useState('');
  const { busy, error, run } = useSubmit();
  const ready = props.typed === undefined || typed === props.typed;
  async function confirm(event: Event) {
    event.preventDefault();
    if (ready && (await run(props.onConfirm))) props.onClose(true);
  }
  return (
    <Dialog title={props.title} onClose={() => props.onClose(false)}>
      <form onSubmit={confirm}>
        {props.children}
        {props.typed !== undefined && (
          <label>
            Type <strong>{props.typed}</strong> to confirm
            <input type="text" autocomplete="off" spellcheck={false} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
          </label>
        )}
        <ErrorAlert error={error} />
        <div class="buttons">
          <button type="submit" class="danger" disabled={busy || !ready}>
            {props.confirmLabel}
          </button>
          <button type="button" autofocus={props.typed === undefined} onClick={() => props.onClose(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * A form's submission, or a row's action: busy while its action runs (`busyKey`: the
 * row's key it was given), a failure shown as the server's `{type, message}`; `refuse`
 * shows a check the form makes before sending the same way.
 */
export function useSubmit() {
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  return {
    busy: busyKey !== null,
    busyKey,
    error,
    refuse: (message: string) => setError({ type: 'Validation', message, statusCode: 0 }),
    clear: () => setError(null),
    /** Runs `action` (for the row `key`); true when it succeeded. */
    run: async (action: () => Promise<unknown>, key = ''): Promise<boolean> => {
      setBusyKey(key);
      setError(null);
      try {
        await action();
        return true;
      } catch (e) {
        setError(toShownError(e));
        return false;
      } finally {
        setBusyKey(null);
      }
    },
  };
}

export interface Loaded<T> {
  data: T | null;
  error: ShownError | null;
  loading: boolean;
  /** Loads again (after a change the page made). */
  reload: () => void;
}

/**
 * Runs `load` whenever `deps` change (or `reload` is called) and keeps only the
 * newest answer, so a slow earlier request never overwrites a later one.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const id = ++latest.current;
    setLoading(true);
    load()
      .then((answer) => {
        if (id !== latest.current) return;
        setData(answer);
        setError(null);
      })
      .catch((e: unknown) => {
        if (id !== latest.current) return;
        setError(toShownError(e));
      })
      .finally(() => id === latest.current && setLoading(false));
  }, [...deps, generation]);
  return { data, error, loading, reload: () => setGeneration((n) => n + 1) };
}

/** Links between a page's sections, the current one marked for assistive technology. */
export function Tabs<T extends string>(props: { label: string; tabs: ReadonlyArray<{ id: T; label: string; href: string }>; current: T }) {
  return (
    <nav class="tabs" aria-label={props.label}>
      {props.tabs.map((tab) => (
        <a key={tab.id} href={tab.href} aria-current={tab.id === props.current ? 'page' : undefined}>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}
