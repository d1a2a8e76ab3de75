// Every (method, path) an app serves, read from Fastify's own route tree.
import type { FastifyInstance } from 'fastify';

/** HEAD is left out: Fastify adds it to every GET by itself. */
export function servedRoutes(app: FastifyInstance): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    stack.length = match[1]!.length / 4;
    stack.push(match[2]!);
    const path = stack.join('');
    for (const method of (match[3] ?? '').split(', ')) {
      if (method && method !== 'HEAD') out.push({ method, path });
    }
  }
  return out;
}
