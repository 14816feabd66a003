/**
 * The Lua scripts of the Redis store. Each public store call is one script
 * call, so it is one command and one round trip, and each write is atomic:
 * Redis runs a script to the end before serving any other command, which is
 * what keeps concurrent commits for one user within the caps.
 *
 * Keys of one user share the `{u:<id>}` hash tag, so every user script
 * touches one Cluster slot. Times are milliseconds from the caller; scores
 * of sorted sets are those times. Key TTLs (with jitter) come from the
 * caller too, so scripts stay deterministic.
 */

/** Shared helpers, prepended to the scripts that write deliveries. */
const BOUND_DELIVERIES = `
local function bound_deliveries(key, since, max)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', since)
  local extra = redis.call('ZCARD', key) - max
  if extra > 0 then redis.call('ZREMRANGEBYRANK', key, 0, extra - 1) end
end
`;

/** Reads the state hash and the deliveries after `since`, for replies. */
const READ_STATE = `
local function read_state(dkey, skey, since)
  local s = redis.call('HMGET', skey, 'streak', 'dismissed', 'unsub')
  local rows = redis.call('ZRANGEBYSCORE', dkey, '(' .. since, '+inf',
    'WITHSCORES')
  return {s[1], s[2], s[3], rows}
end
`;

/**
 * Forgets expired idempotency ids, keeps at most `max`, and records `id`
 * unless it is already there. Returns 1 when the id is new.
 */
const MARK_SEEN = `
local function mark_seen(key, id, now, expires, max)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZSCORE', key, id) then return 0 end
  redis.call('ZADD', key, expires, id)
  local extra = redis.call('ZCARD', key) - max
  if extra > 0 then redis.call('ZREMRANGEBYRANK', key, 0, extra - 1) end
  return 1
end
`;

/** Adds one delivery with a unique member: `<seq>:<payload>`. */
const ADD_DELIVERY = `
local function add_delivery(dkey, skey, at, payload)
  local seq = redis.call('HINCRBY', skey, 'seq', 1)
  redis.call('ZADD', dkey, at, seq .. ':' .. payload)
end
`;

/**
 * KEYS: deliveries, state. ARGV: since (exclusive).
 * Returns {streak, lastDismissal, unsubscribed, {member, score, ...}}.
 */
export const READ_USER_LUA = `${READ_STATE}
return read_state(KEYS[1], KEYS[2], ARGV[1])
`;

/**
 * KEYS: deliveries, state.
 * ARGV: now, retention, maxDeliveries, ttl, minGap, capCount,
 * then per cap {window, limit, scope}, then per planned delivery
 * {at, payload}. A cap counts and holds back the pushes of its scope only:
 * `all`, `consumption` (prompts, read from the payload's `"p":1`, always
 * its last field as JSON.stringify keeps the key order) or `class:<name>`
 * (pushes whose payload lists the class in `c`, decoded with cjson once
 * per member). Accepts the longest prefix of the plan that keeps every
 * cap and the minimum gap. Returns {accepted, streak, lastDismissal,
 * unsubscribed, rows}.
 */
export const COMMIT_LUA = `${BOUND_DELIVERIES}${READ_STATE}${ADD_DELIVERY}
local dkey, skey = KEYS[1], KEYS[2]
local now, retention = tonumber(ARGV[1]), tonumber(ARGV[2])
local max, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local gap, ncaps = tonumber(ARGV[5]), tonumber(ARGV[6])
bound_deliveries(dkey, now - retention, max)

local function is_prompt(payload)
  return string.sub(payload, -6) == '"p":1}'
end

local function classes_of(payload)
  local set = {}
  local ok, decoded = pcall(cjson.decode, payload)
  if ok and type(decoded) == 'table' and type(decoded.c) == 'table' then
    for _, name in ipairs(decoded.c) do set[name] = true end
  end
  return set
end

-- A push as the caps see it: prompt or not, and its classes (decoded
-- only when a class cap asks).
local function push_of(payload)
  return {payload = payload, prompt = is_prompt(payload)}
end

local function has_class(push, name)
  if not push.classes then push.classes = classes_of(push.payload) end
  return push.classes[name] == true
end

local scopes, limits, counts = {}, {}, {}
local function binds(i, push)
  local scope = scopes[i]
  if scope == 'all' then return true end
  if scope == 'consumption' then return push.prompt end
  return has_class(push, string.sub(scope, 7))
end

local recorded = {}
for i = 1, ncaps do
  local window = tonumber(ARGV[4 + 3 * i])
  limits[i] = tonumber(ARGV[5 + 3 * i])
  scopes[i] = ARGV[6 + 3 * i]
  local since = '(' .. (now - window)
  if scopes[i] == 'all' then
    counts[i] = redis.call('ZCOUNT', dkey, since, '+inf')
  else
    local n = 0
    for _, m in ipairs(redis.call('ZRANGEBYSCORE', dkey, since, '+inf')) do
      local push = recorded[m]
      if not push then
        push = push_of(string.sub(m, string.find(m, ':', 1, true) + 1))
        recorded[m] = push
      end
      if binds(i, push) then n = n + 1 end
    end
    counts[i] = n
  end
end

local last = redis.call('ZRANGE', dkey, -1, -1, 'WITHSCORES')[2]
last = last and tonumber(last)

local function fits(at, push)
  if gap > 0 and last and at - last < gap then return false end
  for i = 1, ncaps do
    if binds(i, push) and counts[i] >= limits[i] then return false end
  end
  return true
end

local accepted, first = 0, 7 + 3 * ncaps
for k = first, #ARGV - 1, 2 do
  local at = tonumber(ARGV[k])
  local push = push_of(ARGV[k + 1])
  if not fits(at, push) then break end
  for i = 1, ncaps do
    if binds(i, push) then counts[i] = counts[i] + 1 end
  end
  if not last or at > last then last = at end
  add_delivery(dkey, skey, at, ARGV[k + 1])
  accepted = accepted + 1
end

bound_deliveries(dkey, now - retention, max)
redis.call('PEXPIRE', dkey, ttl)
redis.call('PEXPIRE', skey, ttl)
local state = read_state(dkey, skey, now - retention)
table.insert(state, 1, accepted)
return state
`;

/**
 * KEYS: deliveries, state, ids.
 * ARGV: deliveryId, at, payload, retention, maxDeliveries, ttl, maxIds.
 * Returns 1 when recorded, 0 when the id was seen before.
 */
export const RECORD_DELIVERY_LUA = `${BOUND_DELIVERIES}${MARK_SEEN}${ADD_DELIVERY}
local dkey, skey, ikey = KEYS[1], KEYS[2], KEYS[3]
local at, retention = tonumber(ARGV[2]), tonumber(ARGV[4])
local max, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
if mark_seen(ikey, 'd:' .. ARGV[1], at, at + retention,
  tonumber(ARGV[7])) == 0 then
  return 0
end
add_delivery(dkey, skey, at, ARGV[3])
local newest = tonumber(redis.call('ZRANGE', dkey, -1, -1, 'WITHSCORES')[2])
bound_deliveries(dkey, math.max(at, newest) - retention, max)
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
return 1
`;

/**
 * KEYS: state, ids.
 * ARGV: feedbackId, event, at, retention, ttl, maxIds.
 * Returns 1 when recorded, 0 when the id was seen before.
 */
export const RECORD_FEEDBACK_LUA = `${MARK_SEEN}
local skey, ikey = KEYS[1], KEYS[2]
local event, at = ARGV[2], tonumber(ARGV[3])
local retention, ttl = tonumber(ARGV[4]), tonumber(ARGV[5])
local dismissal = {dismissed = true, closed = true, see_less = true}
local known = {opened = true, unsubscribed = true}
if not (dismissal[event] or known[event]) then
  return redis.error_reply('unknown feedback event ' .. event)
end
if mark_seen(ikey, 'f:' .. ARGV[1], at, at + retention,
  tonumber(ARGV[6])) == 0 then
  return 0
end
if event == 'opened' then
  redis.call('HSET', skey, 'streak', 0)
elseif event == 'unsubscribed' then
  redis.call('HSET', skey, 'unsub', 1)
else
  redis.call('HINCRBY', skey, 'streak', 1)
  local prev = tonumber(redis.call('HGET', skey, 'dismissed'))
  if not prev or at > prev then redis.call('HSET', skey, 'dismissed', at) end
end
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
return 1
`;

/**
 * Drops up to `batch` items whose complaints expired by `now` from both
 * sorted sets of the complaint index, so that the index stays as small as
 * the complaints it describes. Bounded work per call; reads filter the rest.
 */
const PRUNE_INDEX = `
local function prune_index(ckey, ekey, now, batch)
  local gone = redis.call('ZRANGEBYSCORE', ekey, '-inf', now,
    'LIMIT', 0, batch)
  if #gone > 0 then
    redis.call('ZREM', ckey, unpack(gone))
    redis.call('ZREM', ekey, unpack(gone))
  end
end
`;

/**
 * KEYS: reporters set of the item, index by count, index by expiry.
 * ARGV: reporter, itemId, at, ttl, indexTtl, pruneBatch.
 * Adds the reporter, then records the item's count and the time its
 * complaints expire (`at + ttl`, never earlier than recorded) in the
 * index. Returns {added, count}.
 */
export const ADD_COMPLAINT_LUA = `${PRUNE_INDEX}
local rkey, ckey, ekey = KEYS[1], KEYS[2], KEYS[3]
local item, at, ttl = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local added = redis.call('SADD', rkey, ARGV[1])
local count = redis.call('SCARD', rkey)
redis.call('PEXPIRE', rkey, ttl)
prune_index(ckey, ekey, at, tonumber(ARGV[6]))
redis.call('ZADD', ckey, count, item)
local expires = tonumber(redis.call('ZSCORE', ekey, item))
if not expires or at + ttl > expires then
  redis.call('ZADD', ekey, at + ttl, item)
end
redis.call('PEXPIRE', ckey, ARGV[5])
redis.call('PEXPIRE', ekey, ARGV[5])
return {added, count}
`;

/**
 * KEYS: index by count, index by expiry. ARGV: minComplaints, now, limit.
 * Returns {item, count, ...}: the items with at least minComplaints whose
 * complaints have not expired at `now`, most complained first. Writes
 * nothing, so it is the same read on every replica of the data.
 */
export const SUPPRESSED_ITEMS_LUA = `
local ckey, ekey, now = KEYS[1], KEYS[2], tonumber(ARGV[2])
local rows = redis.call('ZREVRANGEBYSCORE', ckey, '+inf', ARGV[1],
  'WITHSCORES', 'LIMIT', 0, ARGV[3])
local live = {}
for i = 1, #rows, 2 do
  local expires = tonumber(redis.call('ZSCORE', ekey, rows[i]))
  if expires and expires > now then
    live[#live + 1] = rows[i]
    live[#live + 1] = rows[i + 1]
  end
end
return live
`;
