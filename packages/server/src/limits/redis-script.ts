// The Lua script one verification runs in Redis: every limit it applies is checked,
// then all are consumed or none (Redis runs a script atomically, so nodes sharing
// the counters never both take the last unit). Same window arithmetic as
// sliding-window.ts; the time is the server's, passed in (tests inject a clock).
//
// KEYS[2i-1], KEYS[2i]: limit i's counter of the current window and of the previous.
// ARGV[1]: now (epoch ms); ARGV[3i-1], ARGV[3i], ARGV[3i+1]: limit i's limit, duration, cost.
// Returns {allowed (1|0), current_1, previous_1, current_2, previous_2, ...}: the counts
// read before the decision, from which the caller renders the states.
export const applyScript = `
local function muldiv(a, b, d)
  if a * b < 9007199254740992 then return math.floor(a * b / d) end
  local high = math.floor(b / 65536)
  local low = b - high * 65536
  local x = a * high
  local qx = math.floor(x / d)
  return qx * 65536 + math.floor(((x - qx * d) * 65536 + a * low) / d)
end
local now = tonumber(ARGV[1])
local n = #KEYS / 2
local result = {1}
for i = 1, n do
  local limit = tonumber(ARGV[3 * i - 1])
  local duration = tonumber(ARGV[3 * i])
  local cost = tonumber(ARGV[3 * i + 1])
  local current = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  local used = current + muldiv(previous, duration - now % duration, duration)
  local fits
  if cost == 0 then fits = used < limit else fits = used + cost <= limit end
  if not fits then result[1] = 0 end
  result[2 * i] = current
  result[2 * i + 1] = previous
end
if result[1] == 1 then
  for i = 1, n do
    local duration = tonumber(ARGV[3 * i])
    local cost = tonumber(ARGV[3 * i + 1])
    if cost > 0 then
      redis.call('INCRBY', KEYS[2 * i - 1], cost)
      -- Kept while a window can still read it: its own and the next.
      redis.call('PEXPIRE', KEYS[2 * i - 1], 2 * duration - now % duration)
    end
  end
end
return result
`;

// Gives back what an allowed apply consumed. KEYS[i]: limit i's current counter;
// ARGV[i]: its cost. Never below zero (the window may have expired meanwhile).
export const refundScript = `
for i = 1, #KEYS do
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  local cost = tonumber(ARGV[i])
  if current > 0 and cost > 0 then
    redis.call('DECRBY', KEYS[i], math.min(current, cost))
  end
end
return 1
`;
