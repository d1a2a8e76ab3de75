// The other latchkey nodes on one PostgreSQL database. Each node NOTIFYs its writes'
// events and LISTENs for the others' on a dedicated connection; a listener that
// loses its connection reports 'all' when it is back, since it may have missed
// some. Events of one turn go out together, in as few notifications as fit.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { PeerNotificationLag, StoreEvent } from '../../port.js';
import { GroupCommit } from '../../sql/group-commit.js';
import type { Peers } from '../../sql/sql-store.js';

const channel = 'latchkey_invalidate';
/** PostgreSQL refuses payloads of 8000 bytes and more. */
const maxPayload = 7_000;

interface Notification {
  /** The node that wrote: a node skips its own, which its listeners already had. */
  origin: string;
  /** When the sender sent it (its clock, ms); absent from nodes of earlier versions. */
  sentAt?: number;
  events: StoreEvent[];
}

export class PostgresPeers implements Peers {
  private readonly origin = randomUUID();
  private listener: pg.Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** The other nodes' notifications received, and how long they took (by both nodes' clocks). */
  private readonly received: PeerNotificationLag = { received: 0, maxLagMs: 0 };
  private readonly sends = new GroupCommit<StoreEvent, void>({
    many: async (events) => {
      await this.send(events);
      return events.map(() => undefined);
    },
    one: (event) => this.send([event]),
  });

  constructor(
    private readonly pool: pg.Pool,
    private readonly config: pg.ClientConfig,
  ) {}

  async publish(events: readonly StoreEvent[]): Promise<void> {
    await Promise.all(events.map((event) => this.sends.add(event)));
  }

  private async send(events: readonly StoreEvent[]): Promise<void> {
    const distinct = [...new Set(events.map((event) => JSON.stringify(event)))];
    const head = `{"origin":${JSON.stringify(this.origin)},"sentAt":${Date.now()},"events":[`;
    let payload = head;
    for (const event of distinct) {
      if (payload !== head && payload.length + event.length + 2 > maxPayload) {
        await this.notify(`${payload}]}`);
        payload = head;
      }
      payload += payload === head ? event : `,${event}`;
    }
    if (payload !== head) await this.notify(`${payload}]}`);
  }

  private async notify(payload: string): Promise<void> {
    await this.pool.query('select pg_notify($1, $2)', [channel, payload]);
  }

  async listen(receive: (event: StoreEvent) => void): Promise<void> {
    const client = new pg.Client(this.config);
    const retry = () => {
      if (this.closed || this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => {});
      this.reconnectTimer = setTimeout(() => {
        this.listen(receive).then(
          () => receive({ kind: 'all' }),
          () => retry(),
        );
      }, 250);
      this.reconnectTimer.unref();
    };
    this.listener = client;
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message) => {
      if (message.channel !== channel || !message.payload) return;
      try {
        const notification = JSON.parse(message.payload) as Notification | StoreEvent;
        // A single event: what nodes of earlier versions send.
        if ('kind' in notification) receive(notification);
        else if (notification.origin !== this.origin) {
          if (typeof notification.sentAt === 'number') this.noteLag(Date.now() - notification.sentAt);
          for (const event of notification.events) receive(event);
        }
      } catch {
        receive({ kind: 'all' });
      }
    });
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
    } catch (error) {
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => {});
      throw error;
    }
  }

  private noteLag(ms: number): void {
    this.received.received++;
    // A clock behind the sender's would make it negative: that is no lag.
    this.received.maxLagMs = Math.max(this.received.maxLagMs, ms, 0);
  }

  /** What was received since the last call: the count, and the longest lag (then starts again). */
  lag(): PeerNotificationLag {
    const taken = { ...this.received };
    this.received.received = 0;
    this.received.maxLagMs = 0;
    return taken;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => {});
  }
}
