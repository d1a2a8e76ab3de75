// `latchkey token ...`: the command line of operator-tokens.ts. Flags become the
// API's body (checked there by the API's schemas); output is lines by default and
// the API Token object with --json. Only create and rotate print a secret, once.
import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { ApiToken } from '@latchkey/contract';
import { BootstrapError } from './bootstrap.js';
import { envDatabaseUrl } from './config.js';
import {
  createTokenAsOperator,
  deleteTokenAsOperator,
  findTokenBySecret,
  getTokenAsOperator,
  listTokensAsOperator,
  resolveOwner,
  rotateTokenAsOperator,
  updateTokenAsOperator,
  type OperatorTokenOwner,
} from './operator-tokens.js';
import { openStore } from './storage/open-store.js';
import type { Store } from './storage/port.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function json(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BootstrapError(`${flag} must be JSON (e.g. ${flag === '--meta' ? `'{"team":"ci"}'` : `'{"remaining":1000}'`})`);
  }
}

const durationUnits: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--ratelimit` is a JSON ratelimit (or array of them), or name:limit:duration (ms, or 30s, 1m, 1h, 1d). */
function ratelimits(values: string[]): unknown[] {
  return values.flatMap((value) => {
    if (value.trimStart().startsWith('{') || value.trimStart().startsWith('[')) {
      const parsed = json('--ratelimit', value);
      return Array.isArray(parsed) ? parsed : [parsed];
    }
    const match = /^([^:]+):(\d+):(\d+)(ms|s|m|h|d)?$/.exec(value);
    if (!match) throw new BootstrapError(`--ratelimit ${value}: write name:limit:duration (e.g. burst:100:1m) or a JSON ratelimit`);
    return [{ name: match[1], limit: Number(match[2]), duration: Number(match[3]) * durationUnits[match[4] ?? 'ms']! }];
  });
}

interface FieldFlags {
  name?: string;
  description?: string;
  status?: string;
  ratelimit?: string[];
  credits?: string;
  meta?: string;
  allowedCidr?: string[];
}

/** The body fields the flags give (absent flags: absent fields), as the API names them. */
function fields(o: FieldFlags): Record<string, unknown> {
  return {
    ...(o.name === undefined ? {} : { name: o.name }),
    ...(o.description === undefined ? {} : { description: o.description }),
    ...(o.status === undefined ? {} : { status: o.status }),
    ...(o.ratelimit === undefined ? {} : { ratelimits: ratelimits(o.ratelimit) }),
    ...(o.credits === undefined ? {} : { credits: json('--credits', o.credits) }),
    ...(o.meta === undefined ? {} : { meta: json('--meta', o.meta) }),
    ...(o.allowedCidr === undefined ? {} : { allowedCidrs: o.allowedCidr }),
  };
}

/** A token as readable lines; never a secret (the caller adds the one of create/rotate). */
function describe(t: ApiToken): string {
  const line = (label: string, value: unknown) => `${(label + ':').padEnd(13)}${typeof value === 'string' ? value : JSON.stringify(value)}`;
  return [
    line('id', t.id),
    line('name', t.name),
    line('owner', `${t.ownerType} ${t.ownerId}`),
    line('status', t.status),
    line('scope', t.scope.join(' ')),
    ...(t.description ? [line('description', t.description)] : []),
    line('created', t.creationDate),
    line('updated', t.lastUpdated),
    line('expires', t.expirationDate ?? 'never'),
    ...(t.lastUsed ? [line('last used', t.lastUsed)] : []),
    ...(t.ratelimits ? [line('ratelimits', t.ratelimits)] : []),
    ...(t.credits ? [line('credits', t.credits)] : []),
    ...(t.meta ? [line('meta', t.meta)] : []),
    ...(t.allowedCidrs ? [line('allowedCidrs', t.allowedCidrs.join(' '))] : []),
    ...(t.rotatedAt ? [line('rotated', t.rotatedAt)] : []),
    ...(t.previousSecretExpiresAt ? [line('old secret', `verifies until ${t.previousSecretExpiresAt}`)] : []),
    ...(t.revokedAt ? [line('revoked', t.revokedAt)] : []),
  ].join('\n');
}

function table(tokens: ApiToken[]): string {
  const rows = [
    ['ID', 'NAME', 'STATUS', 'EXPIRES', 'SCOPE'],
    ...tokens.map((t) => [t.id, t.name, t.status, t.expirationDate ?? 'never', t.scope.join(',')]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return [
    ...rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')),
    `(${tokens.length} tokens)`,
  ].join('\n');
}

const secretNotice = '(the token is shown once; store it now)';

type OwnerFlags = { database?: string; json?: boolean; application?: string; user?: string };

/** Opens the database, resolves the owner, runs, prints (JSON with --json), closes. */
const withOwner =
  <O extends OwnerFlags, T>(run: (store: Store, owner: OperatorTokenOwner, o: O, args: string[]) => Promise<T>, print: (r: T) => string) =>
  async (...params: unknown[]) => {
    // commander passes the positional arguments, then the options, then the command.
    const args = params.slice(0, -2) as string[];
    const o = params[params.length - 2] as O;
    const store = await openStore(o.database ?? envDatabaseUrl());
    try {
      const result = await run(store, await resolveOwner(store, o), o, args);
      process.stdout.write((o.json ? JSON.stringify(result) : print(result)) + '\n');
    } finally {
      await store.close();
    }
  };

export function addTokenCommands(program: Command): void {
  const database = () => new Option('--database <url>', 'sqlite:PATH or postgres://...').env('DATABASE_URL');
  const token = program
    .command('token')
    .description("Manage API tokens against the database (operator break-glass; audited as 'operator')");
  const owned = (name: string, description: string) =>
    token
      .command(name)
      .description(description)
      .option('--application <id>', 'the tokens of this application')
      .option('--user <email>', 'the tokens of this user')
      .addOption(database())
      .option('--json', 'print the API Token object as JSON');
  const limitFlags = (command: Command) =>
    command
      .option('--description <text>', 'description')
      .option('--ratelimit <limit>', 'name:limit:duration (ms, or 30s, 1m, 1h, 1d) or a JSON ratelimit; repeatable', collect)
      .option('--credits <json>', 'credits as JSON, e.g. \'{"remaining":1000,"refill":{"amount":1000,"interval":"daily"}}\'')
      .option('--meta <json>', 'meta as a JSON object')
      .option('--allowed-cidr <cidr>', 'an address or CIDR the token may be used from; repeatable', collect)
      .option('--status <status>', 'active or inactive');

  limitFlags(owned('create', 'Create a token; its secret is printed once'))
    .requiredOption('--name <name>', 'token name')
    .option('--scope <scope>', 'a scope of the catalogue; repeatable (default: all.Application or all.User)', collect)
    .option('--expiration <date>', 'ISO 8601 expiration date-time, e.g. 2027-01-01T00:00:00Z (default: never)')
    .action(
      withOwner(
        (store, owner, o: OwnerFlags & FieldFlags & { scope?: string[]; expiration?: string }) =>
          createTokenAsOperator(store, owner, {
            ...fields(o),
            ...(o.scope === undefined ? {} : { scope: o.scope }),
            ...(o.expiration === undefined ? {} : { expirationDate: o.expiration }),
          }),
        (r) => `${describe(r)}\ntoken:       ${r.token}\n${secretNotice}`,
      ),
    );
  owned('list', "List the owner's tokens").action(
    withOwner(
      (store, owner) => listTokensAsOperator(store, owner),
      (r) => table(r),
    ),
  );
  owned('get', 'Show one token')
    .argument('<id>', 'token id')
    .action(withOwner((store, owner, _o, [id]) => getTokenAsOperator(store, owner, id!), describe));
  limitFlags(owned('update', "Change a token's name, description, status or limits (scope and expiration never change)"))
    .argument('<id>', 'token id')
    .option('--name <name>', 'token name')
    .action(withOwner((store, owner, o: OwnerFlags & FieldFlags, [id]) => updateTokenAsOperator(store, owner, id!, fields(o)), describe));
  for (const [verb, status] of [
    ['deactivate', 'inactive'],
    ['activate', 'active'],
  ] as const) {
    owned(verb, `Make a token ${status}`)
      .argument('<id>', 'token id')
      .action(withOwner((store, owner, _o, [id]) => updateTokenAsOperator(store, owner, id!, { status }), describe));
  }
  owned('rotate', 'Give a token a new secret, printed once')
    .argument('<id>', 'token id')
    .option('--grace-period <seconds>', 'seconds the replaced secret keeps verifying (0..2592000)', '0')
    .action(
      withOwner(
        (store, owner, o: OwnerFlags & { gracePeriod: string }, [id]) => {
          const seconds = Number(o.gracePeriod);
          if (!/^\d+$/.test(o.gracePeriod) || !Number.isSafeInteger(seconds))
            throw new BootstrapError('--grace-period must be whole seconds');
          return rotateTokenAsOperator(store, owner, id!, seconds);
        },
        (r) => `${describe(r)}\ntoken:       ${r.token}\n${secretNotice}`,
      ),
    );
  owned('delete', 'Delete a token')
    .argument('<id>', 'token id')
    .action(
      withOwner(
        (store, owner, _o, [id]) => deleteTokenAsOperator(store, owner, id!),
        (r) => `deleted token ${r.id}`,
      ),
    );

  token
    .command('find')
    .description('Tell which token a (leaked) secret is, by its hash; prints neither. Give - to read the secret from stdin')
    .argument('<secret>', 'the secret, or - to read it from standard input (keeps it out of shell history)')
    .addOption(database())
    .option('--json', 'print {found, id, ownerType, ownerId, name, status, secret} as JSON')
    .action(async (secretArg: string, o: { database?: string; json?: boolean }) => {
      const secret = secretArg === '-' ? readFileSync(0, 'utf8') : secretArg;
      if (secret.trim() === '') throw new BootstrapError('No secret given (read nothing from stdin)');
      const store = await openStore(o.database ?? envDatabaseUrl());
      try {
        const found = await findTokenBySecret(store, secret);
        if (o.json) {
          process.stdout.write(JSON.stringify(found ? { found: true, ...found } : { found: false }) + '\n');
        } else if (found) {
          const which =
            found.secret === 'current'
              ? 'its current secret'
              : `the secret its last rotation replaced (${found.previousSecretLive ? 'still verifying in its grace period' : 'no longer verifies'})`;
          process.stdout.write(`token ${found.id} "${found.name}" (${found.status}) of ${found.ownerType} ${found.ownerId}: ${which}\n`);
        } else {
          process.stdout.write('no token has this secret\n');
        }
        // Not found is an answer, not a failure, but scripts want to tell them apart.
        if (!found) process.exitCode = 2;
      } finally {
        await store.close();
      }
    });
}
