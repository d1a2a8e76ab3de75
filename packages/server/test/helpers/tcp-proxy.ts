// A TCP proxy in front of PostgreSQL or Redis that a test can cut and restore, to take
// the server away from a node without touching the real one; or freeze, to make it
// go silent without closing anything, as a network partition does.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Proxy {
  port: number;
  /** Connections accepted so far (a client that drops a dead connection makes a new one). */
  readonly accepted: number;
  /** Drops every connection and refuses new ones. */
  cut(): void;
  /** Forwards nothing more, closes nothing: connections stay open and silent, new ones are held. */
  freeze(): void;
  /** After cut or freeze: forwards again (connections held while frozen are dropped). */
  restore(): void;
  close(): Promise<void>;
}

export async function startProxy(targetHost: string, targetPort: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let open = true;
  let frozen = false;
  let accepted = 0;
  const server: Server = createServer((client) => {
    accepted++;
    if (!open) {
      client.destroy();
      return;
    }
    sockets.add(client);
    client.on('error', () => client.destroy()).on('close', () => sockets.delete(client));
    if (frozen) {
      client.pause();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  const cut = () => {
    open = false;
    dropAll();
  };
  return {
    port: (server.address() as AddressInfo).port,
    get accepted() {
      return accepted;
    },
    cut,
    freeze() {
      frozen = true;
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    restore() {
      if (frozen) dropAll();
      frozen = false;
      open = true;
    },
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
