// What a route file supplies: a handler per route name of the contract's route
// table. Method, path, schemas and documentation come from the table, never from here.
import type { RouteName } from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A route's handler; route files type `request` with the route's params, query and body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (request: FastifyRequest<any>, reply: FastifyReply) => unknown;

export type Handlers<K extends RouteName = RouteName> = { [N in K]: Handler };
