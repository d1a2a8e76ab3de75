// The `latchkey` command line.
import { Command, Option } from 'commander';
import { backupSqlite } from './backup.js';
import { bootstrap } from './bootstrap.js';
import {
  defaults,
  envDatabaseUrl,
  parseDurability,
  parseNonNegativeInteger,
  parsePort,
  parseRatelimitOnError,
  parseTrustProxy,
  metricsProblem,
} from './config.js';
import type { TrustProxy } from './http/client-address.js';
import { MigrationMismatch, migrateDatabase, type MigratedTable } from './migrate/migrate-database.js';
import { addMember, createOrganization, createUser, setPassword } from './operations.js';
import { toAuditLogEntry } from './routes/audit-logs.js';
import { startServer } from './server.js';
import { addTokenCommands } from './token-cli.js';
import { openStore } from './storage/open-store.js';
import type { Store } from './storage/port.js';

const limitOption = (flags: string, description: string, env: string) =>
  new Option(flags, description).env(env).argParser(parseNonNegativeInteger);

export function buildCli(): Command {
  const program = new Command('latchkey').description('Self-hostable API-token service with the Losant HTTP contract').showHelpAfterError();

  program
    .command('serve')
    .description('Run the HTTP server')
    .addOption(new Option('--port <n>', 'port to listen on').env('PORT').default(defaults.port).argParser(parsePort))
    .addOption(
      new Option('--host <h>', 'address to bind (0.0.0.0 to accept connections from other hosts, e.g. in a container)')
        .env('HOST')
        .default(defaults.host),
    )
    .addOption(new Option('--database <url>', 'sqlite:PATH').env('DATABASE_URL').default(defaults.databaseUrl))
    .addOption(
      new Option('--durability <mode>', "'process' survives a crash; 'power' also survives power loss")
        .env('LATCHKEY_DURABILITY')
        .default(defaults.durability)
        .argParser(parseDurability),
    )
    .addOption(new Option('--log-level <level>', 'pino log level').env('LOG_LEVEL').default(defaults.logLevel))
    .addOption(
      new Option('--introspection-secret <secret>', 'enables POST /introspect and /verify for callers presenting this bearer secret').env(
        'LATCHKEY_INTROSPECTION_SECRET',
      ),
    )
    .addOption(
      new Option('--redis-url <url>', 'count rate limits in this Redis, shared by every node (default: in memory)').env('REDIS_URL'),
    )
    .addOption(
      new Option('--redis-key-prefix <prefix>', "put before every rate limit key in Redis (default 'latchkey:rl:')").env(
        'LATCHKEY_REDIS_KEY_PREFIX',
      ),
    )
    .addOption(
      new Option('--ratelimit-on-error <mode>', "Redis unreachable: 'allow' (fail open) or 'deny' verifications that apply rate limits")
        .env('LATCHKEY_RATELIMIT_ON_ERROR')
        .default(defaults.ratelimitOnError)
        .argParser(parseRatelimitOnError),
    )
    .addOption(
      new Option(
        '--previous-introspection-secret <secret>',
        'a second introspection secret, still accepted while callers move to the new one',
      ).env('LATCHKEY_PREVIOUS_INTROSPECTION_SECRET'),
    )
    .addOption(
      new Option(
        '--allow-private-webhooks',
        'also send webhooks to loopback, private and link-local addresses (refused by default: a webhook URL must not reach into your network)',
      ).env('LATCHKEY_ALLOW_PRIVATE_WEBHOOKS'),
    )
    .addOption(limitOption('--body-limit <bytes>', 'largest request body (default 1048576)', 'LATCHKEY_BODY_LIMIT'))
    .addOption(limitOption('--max-header-size <bytes>', 'largest request head (default 16384)', 'LATCHKEY_MAX_HEADER_SIZE'))
    .addOption(limitOption('--max-url-length <bytes>', 'longest URL (default 8192)', 'LATCHKEY_MAX_URL_LENGTH'))
    .addOption(
      limitOption(
        '--auth-failure-limit <n>',
        'failed authentications per address per minute before 429 (default 300; 0: off)',
        'LATCHKEY_AUTH_FAILURE_LIMIT',
      ),
    )
    .addOption(limitOption('--session-ttl <seconds>', 'login session lifetime (default 86400)', 'LATCHKEY_SESSION_TTL'))
    .addOption(
      limitOption('--usage-minute-retention <hours>', 'how long per-minute usage is kept (default 48)', 'LATCHKEY_USAGE_MINUTE_RETENTION'),
    )
    .addOption(
      limitOption(
        '--usage-hour-retention <days>',
        'how long hourly usage is kept (default 90; daily: always)',
        'LATCHKEY_USAGE_HOUR_RETENTION',
      ),
    )
    .addOption(
      limitOption('--shutdown-timeout <ms>', 'longest wait for in-flight requests on SIGTERM (default 10000)', 'LATCHKEY_SHUTDOWN_TIMEOUT'),
    )
    .addOption(
      new Option(
        '--github-scanning-keys <file>',
        "enables POST /secret-scanning/github: GitHub secret scanning's public keys (the JSON of api.github.com/meta/public_keys/secret_scanning), read at start",
      ).env('LATCHKEY_GITHUB_SCANNING_KEYS'),
    )
    .addOption(
      new Option(
        '--trust-proxy [proxies]',
        "take the client's address from X-Forwarded-For: from every proxy, or only these (addresses or CIDRs, comma-separated); off by default",
      )
        .env('LATCHKEY_TRUST_PROXY')
        .argParser(parseTrustProxy),
    )
    .addOption(
      new Option('--metrics', 'serve Prometheus metrics at GET /metrics on this port, behind --metrics-secret (off by default)').env(
        'LATCHKEY_METRICS',
      ),
    )
    .addOption(new Option('--metrics-secret <secret>', 'the bearer secret a scraper presents to /metrics').env('LATCHKEY_METRICS_SECRET'))
    .addOption(
      new Option('--metrics-port <n>', 'serve /metrics alone on this port, on --host (the secret is asked there too when given)')
        .env('LATCHKEY_METRICS_PORT')
        .argParser(parsePort),
    )
    .action(
      async (opts: {
        port: number;
        host: string;
        database: string;
        durability: 'process' | 'power';
        logLevel: string;
        introspectionSecret?: string;
        redisUrl?: string;
        redisKeyPrefix?: string;
        ratelimitOnError: 'allow' | 'deny';
        previousIntrospectionSecret?: string;
        allowPrivateWebhooks?: boolean;
        bodyLimit?: number;
        maxHeaderSize?: number;
        maxUrlLength?: number;
        authFailureLimit?: number;
        sessionTtl?: number;
        shutdownTimeout?: number;
        usageMinuteRetention?: number;
        usageHourRetention?: number;
        githubScanningKeys?: string;
        trustProxy?: TrustProxy;
        metrics?: boolean;
        metricsSecret?: string;
        metricsPort?: number;
      }) => {
        const problem = metricsProblem(opts);
        if (problem) program.error(`error: ${problem}`);
        const limits = {
          ...(opts.bodyLimit === undefined ? {} : { bodyLimit: opts.bodyLimit }),
          ...(opts.maxHeaderSize === undefined ? {} : { maxHeaderSize: opts.maxHeaderSize }),
          ...(opts.maxUrlLength === undefined ? {} : { maxUrlLength: opts.maxUrlLength }),
          ...(opts.authFailureLimit === undefined ? {} : { authFailureLimit: opts.authFailureLimit }),
          ...(opts.sessionTtl === undefined ? {} : { sessionTtlMs: opts.sessionTtl * 1000 }),
        };
        await startServer({
          port: opts.port,
          host: opts.host,
          databaseUrl: opts.database,
          durability: opts.durability,
          logLevel: opts.logLevel,
          ...(opts.introspectionSecret ? { introspectionSecret: opts.introspectionSecret } : {}),
          ...(opts.previousIntrospectionSecret ? { previousIntrospectionSecret: opts.previousIntrospectionSecret } : {}),
          limits,
          shutdownTimeoutMs: opts.shutdownTimeout ?? 10_000,
          ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
          ...(opts.redisKeyPrefix ? { redisKeyPrefix: opts.redisKeyPrefix } : {}),
          ratelimitOnError: opts.ratelimitOnError,
          ...(opts.allowPrivateWebhooks ? { allowPrivateWebhooks: true } : {}),
          usageRetention: {
            ...(opts.usageMinuteRetention === undefined ? {} : { minuteMs: opts.usageMinuteRetention * 3_600_000 }),
            ...(opts.usageHourRetention === undefined ? {} : { hourMs: opts.usageHourRetention * 86_400_000 }),
          },
          ...(opts.githubScanningKeys ? { githubScanningKeysFile: opts.githubScanningKeys } : {}),
          ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}),
          ...(opts.metrics ? { metrics: true } : {}),
          ...(opts.metricsSecret ? { metricsSecret: opts.metricsSecret } : {}),
          ...(opts.metricsPort === undefined ? {} : { metricsPort: opts.metricsPort }),
        });
      },
    );

  program
    .command('bootstrap')
    .description('Create (or check) a user, optionally an application, and mint a user API token with all.User')
    .requiredOption('--email <email>', 'user email')
    .requiredOption('--password <password>', 'user password (8 to 2048 characters)')
    .option('--application <name>', 'create an application with this name (reused if the user has one)')
    .addOption(new Option('--database <url>', 'sqlite:PATH').env('DATABASE_URL'))
    .option('--json', 'print one JSON object {userId, applicationId?, token} and nothing else')
    .action(async (opts: { email: string; password: string; application?: string; database?: string; json?: boolean }) => {
      const store = await openStore(opts.database ?? envDatabaseUrl());
      try {
        const input = { email: opts.email, password: opts.password };
        const result = await bootstrap(store, opts.application === undefined ? input : { ...input, applicationName: opts.application });
        if (opts.json) {
          process.stdout.write(JSON.stringify(result) + '\n');
        } else {
          process.stdout.write(`user:        ${result.userId}\n`);
          if (result.applicationId) process.stdout.write(`application: ${result.applicationId}\n`);
          process.stdout.write(`token:       ${result.token}\n(the token is shown once; store it now)\n`);
        }
      } finally {
        await store.close();
      }
    });

  const databaseOption = () => new Option('--database <url>', 'sqlite:PATH').env('DATABASE_URL');
  /** Runs an operator action on the store and prints its result (JSON with --json). */
  const operate =
    <T extends object>(run: (store: Store, opts: Record<string, string>) => Promise<T>, describe: (r: T) => string) =>
    async (opts: Record<string, string> & { database?: string; json?: boolean }) => {
      const store = await openStore(opts.database ?? envDatabaseUrl());
      try {
        const result = await run(store, opts);
        process.stdout.write(opts.json ? JSON.stringify(result) + '\n' : describe(result) + '\n');
      } finally {
        await store.close();
      }
    };

  const user = program.command('user').description('Manage users');
  user
    .command('create')
    .description('Create a user')
    .requiredOption('--email <email>', 'user email')
    .requiredOption('--password <password>', 'password (8 to 2048 characters)')
    .option('--first-name <name>', 'first name (default: the part of the email before @)')
    .option('--last-name <name>', 'last name')
    .addOption(databaseOption())
    .option('--json', 'print {userId, email} as JSON')
    .action(
      operate(
        async (store, o) => {
          const created = await createUser(store, {
            email: o.email!,
            password: o.password!,
            ...(o.firstName === undefined ? {} : { firstName: o.firstName }),
            ...(o.lastName === undefined ? {} : { lastName: o.lastName }),
          });
          return { userId: created.id, email: created.email };
        },
        (r) => `created user ${r.userId} (${r.email})`,
      ),
    );
  user
    .command('set-password')
    .description("Set a user's password")
    .requiredOption('--email <email>', 'user email')
    .requiredOption('--password <password>', 'new password (8 to 2048 characters)')
    .addOption(databaseOption())
    .option('--json', 'print {userId} as JSON')
    .action(
      operate(
        async (store, o) => ({ userId: (await setPassword(store, o.email!, o.password!)).id }),
        (r) => `password set for user ${r.userId}`,
      ),
    );

  const org = program.command('org').description('Manage organizations');
  org
    .command('create')
    .description('Create an organization with a first admin')
    .requiredOption('--name <name>', 'organization name')
    .requiredOption('--admin-email <email>', 'email of the existing user who becomes its admin')
    .option('--description <text>', 'description')
    .addOption(databaseOption())
    .option('--json', 'print {orgId, adminUserId} as JSON')
    .action(
      operate(
        (store, o) =>
          createOrganization(store, {
            name: o.name!,
            adminEmail: o.adminEmail!,
            ...(o.description === undefined ? {} : { description: o.description }),
          }),
        (r) => `created organization ${r.orgId}`,
      ),
    );
  org
    .command('add-member')
    .description('Add a user to an organization, or change their role')
    .requiredOption('--org <orgId>', 'organization id')
    .requiredOption('--email <email>', 'email of an existing user')
    .requiredOption('--role <role>', 'admin, edit, collaborate or view')
    .addOption(databaseOption())
    .option('--json', 'print {orgId, userId, role} as JSON')
    .action(
      operate(
        (store, o) => addMember(store, { orgId: o.org!, email: o.email!, role: o.role! }),
        (r) => `user ${r.userId} is ${r.role} in ${r.orgId}`,
      ),
    );

  addTokenCommands(program);

  program
    .command('audit')
    .description('Print the audit trail, newest first')
    .option('--application <id>', 'only this application')
    .option('--org <id>', 'only this organization')
    .option('--action <glob>', 'only actions matching this glob (e.g. "applicationApiToken.*")')
    .option('--limit <n>', 'entries per page (1..1000)', '100')
    .option('--page <n>', 'page, from 0', '0')
    .addOption(databaseOption())
    .option('--json', 'print {items, totalCount} as one JSON object')
    .action(
      operate(
        async (store, o) => {
          const perPage = Number(o.limit);
          const page = Number(o.page);
          if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000) throw new Error('--limit must be 1..1000');
          if (!Number.isInteger(page) || page < 0) throw new Error('--page must be 0 or more');
          const result = await store.listAudit({
            sortDirection: 'desc',
            page,
            perPage,
            ...(o.application === undefined ? {} : { applicationId: o.application }),
            ...(o.org === undefined ? {} : { orgId: o.org }),
            ...(o.action === undefined ? {} : { action: o.action }),
          });
          return { items: result.items.map(toAuditLogEntry), totalCount: result.totalCount };
        },
        (r) =>
          [
            ...r.items.map((e) =>
              [
                e.creationDate,
                e.outcome === 'failure' ? 'FAILED' : 'ok',
                e.action,
                `${e.targetType}:${e.targetId ?? '-'}`,
                `by ${e.actorType}:${e.actorId ?? '-'}`,
                e.sourceAddress ?? '',
              ].join('  '),
            ),
            `(${r.items.length} of ${r.totalCount})`,
          ].join('\n'),
      ),
    );

  program
    .command('backup')
    .description('Copy a SQLite database consistently, also while a server is using it (PostgreSQL: use pg_dump)')
    .requiredOption('--to <file>', 'the copy to make (a file that does not exist yet)')
    .addOption(databaseOption())
    .option('--json', 'print {from, to, pages} as JSON')
    .action(async (opts: { to: string; database?: string; json?: boolean }) => {
      const result = await backupSqlite(opts.database ?? envDatabaseUrl(), opts.to);
      process.stdout.write(
        opts.json ? JSON.stringify(result) + '\n' : `backed up ${result.from} to ${result.to} (${result.pages} pages)\n`,
      );
    });

  program
    .command('migrate')
    .description('Copy every table of one database into another (sqlite: to postgres:// or back), checking counts and digests')
    .requiredOption('--from <url>', 'source database (sqlite:PATH or postgres://...); it may keep serving')
    .requiredOption('--to <url>', 'target database, brought to the current schema; refused unless empty')
    .option('--force', "empty a target that holds rows first (in the copy's transaction)")
    .option('--json', 'print the summary as a JSON array')
    .action(async (opts: { from: string; to: string; force?: boolean; json?: boolean }) => {
      const print = (summary: MigratedTable[]) => {
        if (opts.json) {
          process.stdout.write(JSON.stringify(summary) + '\n');
          return;
        }
        const width = Math.max(...summary.map((t) => t.table.length));
        for (const t of summary) {
          const rows = t.rows === t.targetRows ? String(t.rows) : `${t.rows} -> ${t.targetRows}`;
          process.stdout.write(
            `${t.table.padEnd(width)}  ${rows.padStart(9)}  ${t.sourceDigest.slice(0, 16)}  ${t.ok ? 'ok' : 'MISMATCH'}\n`,
          );
        }
      };
      try {
        print(await migrateDatabase({ from: opts.from, to: opts.to, ...(opts.force ? { force: true } : {}) }));
      } catch (error) {
        if (error instanceof MigrationMismatch) print(error.summary);
        throw error;
      }
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`latchkey: ${message}\n`);
    process.exitCode = 1;
  }
}
