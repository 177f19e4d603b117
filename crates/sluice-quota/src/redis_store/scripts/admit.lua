-- sq1 admit: decides one request against all its limits and budgets and, if it fits, reserves
-- it, in one atomic step. Key layout and argument order: src/redis_store/mod.rs and admit.rs.
-- Every key shares the org's hash tag, so this runs on one Redis Cluster slot.
--
-- KEYS: record, leases, then n_par in-flight counters, n_rate TATs, n_bud budget hashes, and
--       last the org's `synced` marker.
-- ARGV: request_id, team, key, lease_ms, record_ttl_ms, prompt_tokens, fixed, price_hi,
--       price_lo, min_out, max_out, n_par, n_rate, n_bud, then per in-flight counter: max;
--       per TAT: per_minute, burst, is_tpm; per budget: amount, is_hard, expire_at_s (0 = none);
--       last: 1 if the marker is required.
-- Reply: {3} the org's counters are not known to be rebuilt (Redis lost its data and the
--       gateways have not restored them from the ledger yet: fail closed); {2} duplicate request id; {0, what, index, value} refused (what 1 = parallel, 2 = rate
--       with value = µs to wait, 3 = budget with value = its remaining); or
--       {1, granted, reserved, lease_until_ms, in_flight x n_par, (remaining, reset_us) x n_rate,
--        (spent, reserved) x n_bud}.
--
-- Lua numbers are doubles, exact for integers below 2^53. The caller keeps every amount below
-- that (budget amounts capped, the token range cut so the largest reservation fits), and the
-- price arrives split as hi * 10^6 + lo so that the cost of g tokens,
-- ceil(price * g / 10^6) = hi * g + ceil(lo * g / 10^6), is computed exactly: lo * g < 2^53,
-- and a product hi * g beyond 2^53 is far above any allowance, which rounding cannot change.

local record, leases = KEYS[1], KEYS[2]
if ARGV[#ARGV] == '1' and redis.call('EXISTS', KEYS[#KEYS]) == 0 then
  return {3}
end
if redis.call('EXISTS', record) == 1 then
  return {2}
end

local function int(x) return string.format('%d', x) end
local function push(list, ...) for _, v in ipairs({...}) do list[#list + 1] = v end end
local function interval(units, per_minute) return math.ceil(units * 60000000 / per_minute) end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local prompt, fixed = tonumber(ARGV[6]), tonumber(ARGV[7])
local price_hi, price_lo = tonumber(ARGV[8]), tonumber(ARGV[9])
local lo, hi = tonumber(ARGV[10]), tonumber(ARGV[11])
local n_par, n_rate, n_bud = tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14])
local k_rate, k_bud = 2 + n_par, 2 + n_par + n_rate
local a_rate, a_bud = 14 + n_par, 14 + n_par + 3 * n_rate

local function cost(g) return price_hi * g + math.floor((price_lo * g + 999999) / 1000000) end

-- The tightest hard budget decides how many output tokens can be granted.
local spent, reserved_before = {}, {}
local headroom, tightest = nil, 0
for i = 1, n_bud do
  local v = redis.call('HMGET', KEYS[k_bud + i], 'spent', 'reserved')
  spent[i], reserved_before[i] = v[1] or '0', tonumber(v[2]) or 0
  if ARGV[a_bud + 3 * i - 1] == '1' then
    local room = tonumber(ARGV[a_bud + 3 * i - 2]) - (tonumber(spent[i]) or 0) - reserved_before[i]
    if headroom == nil or room < headroom then headroom, tightest = room, i end
  end
end
local granted = hi
if headroom ~= nil then
  local allowance = headroom - fixed
  if allowance < 0 or cost(lo) > allowance then
    granted = nil
  elseif cost(hi) > allowance then
    -- Invariant: cost(a) <= allowance < cost(b).
    local a, b = lo, hi
    while b - a > 1 do
      local m = math.floor((a + b) / 2)
      if cost(m) <= allowance then a = m else b = m end
    end
    granted = a
  end
end

-- Checks, in order: in-flight (key, team, org), then rates (key, team, org; rpm before tpm),
-- then budgets. Nothing has been written yet, so a refusal changes nothing.
for i = 1, n_par do
  if (tonumber(redis.call('GET', KEYS[2 + i])) or 0) >= tonumber(ARGV[14 + i]) then
    return {0, 1, i - 1, 0}
  end
end
-- A refusal names the first rate limit that refused and waits for the longest of them.
local tpm_units = prompt + (granted or lo)
local new_tat, units_of = {}, {}
local refused, longest_wait = nil, 0
for i = 1, n_rate do
  local per_minute, burst = tonumber(ARGV[a_rate + 3 * i - 2]), tonumber(ARGV[a_rate + 3 * i - 1])
  local units = 1
  if ARGV[a_rate + 3 * i] == '1' then units = tpm_units end
  local tat = tonumber(redis.call('GET', KEYS[k_rate + i])) or now
  if tat < now then tat = now end
  local candidate = tat + interval(units, per_minute)
  local wait = candidate - interval(burst, per_minute) - now
  if wait > 0 then
    if refused == nil then refused = i end
    if wait > longest_wait then longest_wait = wait end
  end
  new_tat[i], units_of[i] = candidate, units
end
if refused ~= nil then
  return {0, 2, refused - 1, longest_wait}
end
if granted == nil then
  return {0, 3, tightest - 1, headroom}
end

-- Admitted: take everything and write down exactly what was taken.
local reserved = fixed + cost(granted)
local lease_ms, record_ttl = tonumber(ARGV[4]), tonumber(ARGV[5])
local lease_until = math.floor(now / 1000) + lease_ms
local function extend(key)
  if redis.call('PTTL', key) < record_ttl then redis.call('PEXPIRE', key, record_ttl) end
end
local fields = {'team', ARGV[2], 'key', ARGV[3], 'reserved', int(reserved), 'granted', int(granted), 'lease', int(lease_until)}
local reply = {1, granted, reserved, lease_until}
for i = 1, n_par do
  local key = KEYS[2 + i]
  push(reply, redis.call('INCR', key))
  extend(key)
  push(fields, 'p:' .. key, '1')
end
for i = 1, n_rate do
  local key, per_minute, burst = KEYS[k_rate + i], tonumber(ARGV[a_rate + 3 * i - 2]), tonumber(ARGV[a_rate + 3 * i - 1])
  redis.call('SET', key, int(new_tat[i]), 'PXAT', int(math.ceil(new_tat[i] / 1000) + 1))
  if ARGV[a_rate + 3 * i] == '1' then
    push(fields, 't:' .. key, int(interval(units_of[i], per_minute)) .. '|' .. int(per_minute))
  end
  local remaining = math.floor((now + interval(burst, per_minute) - new_tat[i]) * per_minute / 60000000)
  if remaining > per_minute then remaining = per_minute end
  push(reply, remaining, new_tat[i] - now)
end
for i = 1, n_bud do
  local key, expire_at = KEYS[k_bud + i], ARGV[a_bud + 3 * i]
  local after = redis.call('HINCRBY', key, 'reserved', int(reserved))
  if expire_at ~= '0' then redis.call('EXPIREAT', key, expire_at) end
  push(fields, 'b:' .. key, int(reserved) .. '|' .. expire_at)
  push(reply, spent[i], after)
end
redis.call('HSET', record, unpack(fields))
redis.call('PEXPIRE', record, record_ttl)
redis.call('ZADD', leases, lease_until, ARGV[1])
extend(leases)
return reply
