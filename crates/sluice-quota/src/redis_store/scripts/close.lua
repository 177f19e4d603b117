-- sq1 close: settles (cost and tokens used) or releases (both zero) one reservation. The record
-- lists exactly what admission took, so closing gives back exactly that; once the record is gone
-- the reservation is closed and a second call changes nothing (idempotent).
--
-- KEYS: record, leases. ARGV: request_id, cost (nano-USD, a non-negative integer), tokens.
-- Reply: 1 settled now, 0 already closed.
--
-- The record's fields name the counters it holds (all under the same hash tag):
--   b:<budget key> = "<reserved>|<expire_at_s or 0>"  -> reserved -= it, spent += cost
--   p:<in-flight key> = "1"                           -> one slot freed
--   t:<tpm TAT key> = "<µs charged>|<per_minute>"     -> TAT moved by interval(tokens) - charged

local record, leases = KEYS[1], KEYS[2]
if redis.call('EXISTS', record) == 0 then
  return 0
end

local function int(x) return string.format('%d', x) end
local function interval(units, per_minute) return math.ceil(units * 60000000 / per_minute) end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local cost, tokens = ARGV[2], tonumber(ARGV[3])

local fields = redis.call('HGETALL', record)
for i = 1, #fields, 2 do
  local kind, key, value = string.sub(fields[i], 1, 2), string.sub(fields[i], 3), fields[i + 1]
  if kind == 'b:' then
    local amount, expire_at = string.match(value, '^(%d+)|(%d+)$')
    if redis.call('HINCRBY', key, 'reserved', int(-tonumber(amount))) < 0 then
      redis.call('HSET', key, 'reserved', '0')
    end
    redis.call('HINCRBY', key, 'spent', cost)
    if expire_at ~= '0' then redis.call('EXPIREAT', key, expire_at) end
  elseif kind == 'p:' then
    if redis.call('DECR', key) <= 0 then redis.call('DEL', key) end
  elseif kind == 't:' then
    local charged, per_minute = string.match(value, '^(%d+)|(%d+)$')
    local tat = tonumber(redis.call('GET', key)) or now
    if tat < now then tat = now end
    tat = tat + interval(tokens, tonumber(per_minute)) - tonumber(charged)
    if tat > now then
      redis.call('SET', key, int(tat), 'PXAT', int(math.ceil(tat / 1000) + 1))
    else
      redis.call('DEL', key)
    end
  end
end
redis.call('DEL', record)
redis.call('ZREM', leases, ARGV[1])
return 1
