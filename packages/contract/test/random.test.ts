import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from '../src/random.js';

test('random bytes are drawn in blocks but never handed out twice, across block refills', () => {
  // 3 × 4096 bytes in draws of 24: crosses two refills, where a reused byte range would repeat.
  const seen = new Set<string>();
  for (let i = 0; i < 512; i++) {
    const bytes = randomBytes(24);
    assert.equal(bytes.length, 24);
    const key = Array.from(bytes).join(',');
    assert.ok(!seen.has(key), 'a draw repeated');
    seen.add(key);
  }
  // Roughly uniform: the mean byte of 12 KiB is near 127.5.
  const all = randomBytes(4096);
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  assert.ok(mean > 120 && mean < 135, `mean ${mean}`);
  assert.throws(() => randomBytes(4097), RangeError);
});
