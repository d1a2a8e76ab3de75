// A content digest of a table that comes out the same on SQLite and PostgreSQL:
// values normalised (numbers as decimal strings, bytes as hex), columns by name, and
// the rows' SHA-256s added modulo 2^256 so that the rows' order does not matter (the
// two databases sort text differently, so "primary-key order" is not one order).
import { createHash } from 'node:crypto';

const modulus = 1n << 256n;

function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return { hex: Buffer.from(value).toString('hex') };
  if (typeof value === 'string') return value;
  throw new Error(`latchkey migrate cannot compare a ${typeof value} value`);
}

export class TableDigest {
  private sum = 0n;
  rows = 0;

  add(row: Record<string, unknown>): void {
    const fields = Object.keys(row)
      .sort()
      .map((column) => [column, normalise(row[column])]);
    const hash = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
    this.sum = (this.sum + BigInt(`0x${hash}`)) % modulus;
    this.rows += 1;
  }

  get hex(): string {
    return this.sum.toString(16).padStart(64, '0');
  }
}
