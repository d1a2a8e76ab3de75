// An organization's token policy (latchkey's own, schemas/token-policy.ts): what new
// tokens of its applications must meet (a longest lifetime, an expiration at all),
// the allowed CIDRs a token naming none gets, and what a leaked token becomes. The
// form checks what it can say plainly (numbers, one range per line); the server
// checks the rest (that each range parses) and its 400 message is shown as it is.
import { leakPolicies, maxAllowedCidrs, maxPolicyLifetime, type LeakPolicy, type Org, type TokenPolicy } from '@latchkey/contract';
import { useState } from 'preact/hooks';
import { clientFor } from './api.js';
import { ErrorAlert, useSubmit } from './ui.js';

const units = [
  { id: 'days', label: 'days', seconds: 86_400 },
  { id: 'hours', label: 'hours', seconds: 3_600 },
  { id: 'minutes', label: 'minutes', seconds: 60 },
  { id: 'seconds', label: 'seconds', seconds: 1 },
] as const;
type Unit = (typeof units)[number]['id'];

const leakLabels: Record<LeakPolicy, { label: string; hint: string }> = {
  deactivate: { label: 'Deactivate', hint: 'the token is set inactive (it can be activated again); the default' },
  revoke: { label: 'Revoke', hint: 'the token is deleted' },
  notify: { label: 'Notify only', hint: 'the token is left as it is; the leak is recorded in the audit log' },
};

/** The largest unit that states the lifetime exactly. */
function lifetimeFields(seconds: number | undefined): { amount: string; unit: Unit } {
  if (seconds === undefined) return { amount: '', unit: 'days' };
  const unit = units.find((u) => seconds % u.seconds === 0)!;
  return { amount: String(seconds / unit.seconds), unit: unit.id };
}

// The shape of an address or range; whether its numbers are in range is the server's to say.
const cidrShape = /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/;

/** The policy the form describes, or what to fix in it. */
function policyOf(fields: { amount: string; unit: Unit; requireExpiration: boolean; cidrs: string; leakPolicy: LeakPolicy }): {
  policy: TokenPolicy | null;
  problems: string[];
} {
  const problems: string[] = [];
  const policy: TokenPolicy = {};
  const amount = fields.amount.trim();
  if (amount !== '') {
    const unit = units.find((u) => u.id === fields.unit)!;
    const most = Math.floor(maxPolicyLifetime / unit.seconds);
    const n = Number(amount);
    if (!/^\d+$/.test(amount) || n < 1 || n > most) {
      problems.push(`Max lifetime: enter a whole number of ${unit.label} from 1 to ${most}, or leave it empty for no limit.`);
    } else policy.maxLifetime = n * unit.seconds;
  }
  if (fields.requireExpiration) policy.requireExpiration = true;
  const cidrs = fields.cidrs
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (cidrs.length > maxAllowedCidrs) {
    problems.push(`Default allowed CIDRs: at most ${maxAllowedCidrs} ranges (there are ${cidrs.length}).`);
  }
  cidrs.forEach((cidr, i) => {
    if (cidr.length > 64 || !cidrShape.test(cidr)) {
      problems.push(
        `Default allowed CIDRs, line ${i + 1}: “${cidr}” is not an address or range; give one per line, such as 203.0.113.0/24 or 2001:db8::/32.`,
      );
    }
  });
  if (cidrs.length > 0) policy.defaultAllowedCidrs = cidrs;
  if (fields.leakPolicy !== 'deactivate') policy.leakPolicy = fields.leakPolicy;
  // Nothing required and the default leak policy: no policy at all, which means the same.
  return { policy: Object.keys(policy).length === 0 ? null : policy, problems };
}

export function OrganizationPolicy({ token, org, onSaved }: { token: string; org: Org; onSaved: () => void }) {
  const current = org.tokenPolicy ?? {};
  const initial = lifetimeFields(current.maxLifetime);
  const [amount, setAmount] = useState(initial.amount);
  const [unit, setUnit] = useState<Unit>(initial.unit);
  const [requireExpiration, setRequireExpiration] = useState(current.requireExpiration === true);
  const [cidrs, setCidrs] = useState((current.defaultAllowedCidrs ?? []).join('\n'));
  const [leakPolicy, setLeakPolicy] = useState<LeakPolicy>(current.leakPolicy ?? 'deactivate');
  const [notice, setNotice] = useState('');
  const { busy, error, refuse, run } = useSubmit();

  async function submit(event: Event) {
    event.preventDefault();
    setNotice('');
    const { policy, problems } = policyOf({ amount, unit, requireExpiration, cidrs, leakPolicy });
    if (problems.length > 0) return refuse(problems.join(' '));
    await run(async () => {
      await clientFor(token).org.patch({ orgId: org.id, organization: { tokenPolicy: policy } });
      setNotice('The token policy is saved. It applies to tokens created from now on; existing tokens are not changed.');
      onSaved();
    });
  }

  return (
    <section class="card" aria-labelledby="policy-heading">
      <h2 id="policy-heading">Token policy</h2>
      <p class="hint">What new tokens of this organization's applications must meet, and what a leaked token becomes.</p>
      <form class="policy" onSubmit={submit}>
        <fieldset>
          <legend>Max lifetime</legend>
          <div class="lifetime">
            <label>
              <span>
                Longest lifetime <span class="hint">(empty: no limit)</span>
              </span>
              <input type="text" inputMode="numeric" autocomplete="off" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
            </label>
            <label>
              Unit
              <select value={unit} onChange={(e) => setUnit(e.currentTarget.value as Unit)}>
                {units.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={requireExpiration} onChange={(e) => setRequireExpiration(e.currentTarget.checked)} />
          Require an expiration date on new tokens
        </label>
        <label>
          <span>
            Default allowed CIDRs{' '}
            <span class="hint">(one per line, e.g. 203.0.113.0/24; for new tokens that name none; empty: anywhere)</span>
          </span>
          <textarea rows={4} spellcheck={false} value={cidrs} onInput={(e) => setCidrs(e.currentTarget.value)} />
        </label>
        <fieldset>
          <legend>When a token leaks</legend>
          {leakPolicies.map((policy) => (
            <div class="check" key={policy}>
              <label>
                <input
                  type="radio"
                  name="leak-policy"
                  checked={leakPolicy === policy}
                  onChange={() => setLeakPolicy(policy)}
                  aria-describedby={`leak-${policy}`}
                />
                {leakLabels[policy].label}
              </label>{' '}
              <span class="hint" id={`leak-${policy}`}>
                {leakLabels[policy].hint}
              </span>
            </div>
          ))}
        </fieldset>
        <ErrorAlert error={error} />
        <p class="notice" role="status">
          {notice}
        </p>
        <div class="buttons">
          <button type="submit" class="primary" disabled={busy}>
            Save policy
          </button>
        </div>
      </form>
    </section>
  );
}
