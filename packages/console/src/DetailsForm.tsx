// The settings an application and an organization share: a name and description
// form, and deletion behind a typed confirmation. One component each, so both
// settings tabs behave the same way (server refusals through ErrorAlert).
import { useId, useState } from 'preact/hooks';
import { blankName, ConfirmDialog, ErrorAlert, NameFields, useSubmit } from './ui.js';

export function DetailsForm(props: {
  /** What is edited ("application", "organization"), for the heading and the status. */
  what: string;
  name: string;
  description: string;
  descriptionMaxLength: number;
  onSave: (fields: { name: string; description: string }) => Promise<void>;
}) {
  const [name, setName] = useState(props.name);
  const [description, setDescription] = useState(props.description);
  const [notice, setNotice] = useState('');
  const { busy, error, refuse, run } = useSubmit();
  const headingId = useId();
  async function submit(event: Event) {
    event.preventDefault();
    setNotice('');
    if (name.trim() === '') return refuse(blankName);
    if (await run(() => props.onSave({ name: name.trim(), description }))) setNotice(`The ${props.what} is saved.`);
  }
  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Name and description</h2>
      <form onSubmit={submit}>
        <NameFields
          name={name}
          description={description}
          onName={setName}
          onDescription={setDescription}
          descriptionRows={3}
          descriptionMaxLength={props.descriptionMaxLength}
        />
        <ErrorAlert error={error} />
        <p class="notice" role="status">
          {notice}
        </p>
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}

/** Deletion of something that takes more with it: the exact name must be typed first. */
export function DeleteSection(props: {
  what: string;
  name: string;
  /** What deleting takes with it, said before asking. */
  consequence: string;
  onDelete: () => Promise<void>;
  onDeleted: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const headingId = useId();
  const title = `Delete the ${props.what}`;
  return (
    <section class="card danger-zone" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <p>{props.consequence}</p>
      <button type="button" class="danger" onClick={() => setAsking(true)}>
        Delete {props.what}
      </button>
      {asking && (
        <ConfirmDialog
          title={`Delete “${props.name}”?`}
          confirmLabel={`Delete ${props.what}`}
          typed={props.name}
          onConfirm={props.onDelete}
          onClose={(done) => {
            setAsking(false);
            if (done) props.onDeleted();
          }}
        >
          <p>{props.consequence} This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
