// The node server Fastify runs on: node's limits on the request head, and the early
// refusal in front of Fastify's handler.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import type { EarlyRefusal } from './early-refusal.js';

/** Where the server finds the early refusal, set once the routes it needs are known. */
export interface EarlyPath {
  refuse: EarlyRefusal;
}

export function serverFactory(maxHeaderSize: number, early: EarlyPath): FastifyServerFactory {
  return (handler) =>
    createServer({ maxHeaderSize }, (req: IncomingMessage, res: ServerResponse) => {
      if (!early.refuse(req, res)) handler(req, res);
    });
}
