// The `latchkey` command line.
import { Command, Option } from 'commander';
import { bootstrap } from './bootstrap.js';
import { defaults, envDatabaseUrl, parseDurability, parsePort } from './config.js';
import { startServer } from './server.js';
import { openStore } from './storage/open-store.js';

export function buildCli(): Command {
  const program = new Command('latchkey')
    .description('Self-hostable API-token service with the Losant HTTP contract')
    .showHelpAfterError();

  program
    .command('serve')
    .description('Run the HTTP server')
    .addOption(new Option('--port <n>', 'port to listen on').env('PORT').default(defaults.port).argParser(parsePort))
    .addOption(new Option('--host <h>', 'address to bind').env('HOST').default(defaults.host))
    .addOption(
      new Option('--database <url>', 'sqlite:PATH').env('DATABASE_URL').default(defaults.databaseUrl),
    )
    .addOption(
      new Option('--durability <mode>', "'process' survives a crash; 'power' also survives power loss")
        .env('LATCHKEY_DURABILITY')
        .default(defaults.durability)
        .argParser(parseDurability),
    )
    .addOption(new Option('--log-level <level>', 'pino log level').env('LOG_LEVEL').default(defaults.logLevel))
    .action(async (opts: { port: number; host: string; database: string; durability: 'process' | 'power'; logLevel: string }) => {
      await startServer({
        port: opts.port,
        host: opts.host,
        databaseUrl: opts.database,
        durability: opts.durability,
        logLevel: opts.logLevel,
      });
    });

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
