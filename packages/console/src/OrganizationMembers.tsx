// An organization's members (embedded in the organization object) and their roles:
// add one by email, change a role, remove one. The server keeps the last admin (it refuses
// demoting or removing them) and says so; that message is shown as it is.
import type { Org } from '@latchkey/contract';
import { useState } from 'preact/hooks';
import { clientFor } from './api.js';
import { roleHints, roleLabels, roles, type Role } from './organization-roles.js';
import { ConfirmDialog, ErrorAlert, useSubmit } from './ui.js';

type Member = Org['members'][number];

function nameOf(member: Member): string {
  const full = [member.firstName, member.lastName].filter(Boolean).join(' ');
  return member.email ?? (full || member.userId);
}

function RoleSelect(props: { label: string; value: Role; onChange: (role: Role) => void; describedBy?: string }) {
  return (
    <select
      aria-label={props.label}
      aria-describedby={props.describedBy}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value as Role)}
    >
      {roles.map((role) => (
        <option key={role} value={role}>
          {roleLabels[role]}
        </option>
      ))}
    </select>
  );
}

/**
 * Adds a member by email: PATCH /orgs/:orgId/member takes `email` (latchkey's addition
 * to Losant's `userId`). The server matches it as sign-in does and answers 404 when no
 * user has it (latchkey sends no invitations); that message is shown as it is.
 */
function AddMember(props: { token: string; orgId: string; onAdded: (name: string, role: Role) => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('view');
  const { busy, error, run } = useSubmit();
  // The browser checks the address (type=email, required) before this runs.
  async function submit(event: Event) {
    event.preventDefault();
    const wanted = email.trim();
    await run(async () => {
      // The answer is the organization, its members included: the new one is named by them.
      const org = await clientFor(props.token).org.modifyMember({ orgId: props.orgId, member: { email: wanted, role } });
      setEmail('');
      const added = org.members.find((member) => member.email?.toLowerCase() === wanted.toLowerCase());
      props.onAdded(added ? nameOf(added) : wanted, role);
    });
  }
  return (
    <section class="card" aria-labelledby="add-member-heading">
      <h2 id="add-member-heading">Add a member</h2>
      <form class="add-member" onSubmit={submit}>
        <label class="grow">
          Email
          <input
            type="email"
            required
            autocomplete="off"
            spellcheck={false}
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Role
          <RoleSelect label="Role" value={role} onChange={setRole} describedBy="add-member-role-hint" />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          Add member
        </button>
      </form>
      <p class="hint" id="add-member-role-hint">
        {roleLabels[role]}: {roleHints[role]}.
      </p>
      <ErrorAlert error={error} />
    </section>
  );
}

export function OrganizationMembers(props: { token: string; org: Org; myUserId: string | null; onChanged: () => void }) {
  const { token, org } = props;
  const orgId = org.id;
  const [pending, setPending] = useState<Record<string, Role>>({});
  const { busyKey: busyId, error, run } = useSubmit();
  const [notice, setNotice] = useState('');
  const [removing, setRemoving] = useState<Member | null>(null);
  const roleOf = (member: Member) => pending[member.userId] ?? member.role;

  async function saveRole(member: Member) {
    const role = roleOf(member);
    setNotice('');
    await run(async () => {
      await clientFor(token).org.modifyMember({ orgId, member: { userId: member.userId, role } });
      setPending(({ [member.userId]: _, ...rest }) => rest);
      setNotice(`${nameOf(member)} is now ${roleLabels[role]}.`);
      props.onChanged();
    }, member.userId);
  }

  return (
    <>
      <section class="members" aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        <p class="hint">
          {org.members.length === 1 ? '1 member' : `${org.members.length} members`}. Roles:{' '}
          {roles.map((r) => `${roleLabels[r]} (${roleHints[r]})`).join('; ')}.
        </p>
        <ErrorAlert error={error} />
        <p class="notice" role="status">
          {notice}
        </p>
        <div class="table-wrap">
          <table class="cards">
            <caption class="visually-hidden">Members of {org.name}</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {org.members.map((member) => {
                const name = nameOf(member);
                const changed = roleOf(member) !== member.role;
                return (
                  <tr key={member.userId}>
                    <th scope="row" data-label="Member">
                      {name}
                      {member.userId === props.myUserId ? ' (you)' : ''}
                      <div class="hint">
                        User ID <code>{member.userId}</code>
                      </div>
                    </th>
                    <td data-label="Role">
                      <div class="role-change">
                        <RoleSelect
                          label={`Role of ${name}`}
                          value={roleOf(member)}
                          onChange={(role) => setPending((p) => ({ ...p, [member.userId]: role }))}
                        />
                        <button
                          type="button"
                          aria-label={`Save role of ${name}`}
                          disabled={!changed || busyId === member.userId}
                          onClick={() => saveRole(member)}
                        >
                          Save role
                        </button>
                      </div>
                    </td>
                    <td data-label="Actions" class="actions">
                      <button type="button" class="danger" aria-label={`Remove ${name}`} onClick={() => setRemoving(member)}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      <AddMember
        token={token}
        orgId={orgId}
        onAdded={(name, role) => {
          setNotice(`${name} is a member now, as ${roleLabels[role]}.`);
          props.onChanged();
        }}
      />
      {removing && (
        <ConfirmDialog
          title={`Remove ${nameOf(removing)}?`}
          confirmLabel="Remove member"
          onConfirm={async () => {
            await clientFor(token).org.removeMember({ orgId, userId: removing.userId });
          }}
          onClose={(done) => {
            if (done) {
              setNotice(`${nameOf(removing)} is no longer a member.`);
              props.onChanged();
            }
            setRemoving(null);
          }}
        >
          <p>{nameOf(removing)} loses access to the organization's applications, and so do their tokens, from the next request.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
