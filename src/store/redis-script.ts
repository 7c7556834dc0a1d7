/**
 * One Lua script checks and updates every limit of a request atomically in Redis: the arithmetic of
 * algorithms.ts, line for line (the parity test feeds both the same inputs). Time comes from Redis `TIME`,
 * one clock for every gateway machine. Floats are written with %.17g so they round-trip exactly (Redis'
 * own number formatting keeps 14 digits).
 *
 * KEYS: one hash per limit, all with the same `{hash tag}` (one slot, so Redis Cluster runs the script).
 * ARGV: mode (1 = take, 0 = peek), now override in ms ('' = Redis TIME; tests only), then per limit:
 *       algorithm code, limit, window ms, param.
 * Returns: {allowed, now, avail1, ceil(wait1), ceil(reset1), avail2, ...} as integers.
 */
export const RATE_LIMIT_LUA = `
local mode = tonumber(ARGV[1])
local now
if ARGV[2] ~= '' then
  now = tonumber(ARGV[2])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local n = #KEYS
local EPS = 1e-9
local res = {1, now}
local na, nb, nc, ttl, ra = {}, {}, {}, {}, {}
local allowed = 1
for i = 1, n do
  local base = 2 + (i - 1) * 4
  local algo = tonumber(ARGV[base + 1])
  local L = tonumber(ARGV[base + 2])
  local W = tonumber(ARGV[base + 3])
  local P = tonumber(ARGV[base + 4])
  local h = redis.call('HMGET', KEYS[i], 'a', 'b', 'c')
  local a = tonumber(h[1]) or 0
  local b = tonumber(h[2]) or 0
  local c = tonumber(h[3]) or 0
  local avail, wait, reset, resetAfter
  if algo == 1 then
    local idx = math.floor(now / W)
    local cnt = 0
    if a == idx then cnt = b end
    local e = (idx + 1) * W
    avail = math.max(0, L - cnt)
    if avail >= 1 then wait = 0 else wait = e - now end
    reset = e - now
    resetAfter = reset
    na[i], nb[i], nc[i] = idx, cnt + 1, 0
    ttl[i] = e - now
  elseif algo == 2 then
    local idx = math.floor(now / W)
    local start = idx * W
    local cur, prev = 0, 0
    if a == idx then cur = b; prev = c elseif a == idx - 1 then prev = b end
    local est = prev * (1 - (now - start) / W) + cur
    avail = math.max(0, math.floor(L - est))
    wait = 0
    if avail < 1 then
      local t
      if cur <= L - 1 and prev > 0 then t = start + (1 - (L - 1 - cur) / prev) * W
      else t = start + W + (1 - (L - 1) / cur) * W end
      wait = math.max(1, t - now)
    end
    reset = start + W - now
    resetAfter = reset
    na[i], nb[i], nc[i] = idx, cur + 1, prev
    ttl[i] = start + 2 * W - now
  elseif algo == 3 then
    local rate = L / W
    local tokens
    if b == 0 then tokens = P else tokens = math.min(P, a + math.max(0, now - b) * rate) end
    avail = math.floor(tokens)
    if avail >= 1 then wait = 0 else wait = (1 - tokens) / rate end
    reset = (P - tokens) / rate
    resetAfter = (P - tokens + 1) / rate
    na[i], nb[i], nc[i] = tokens - 1, now, 0
    ttl[i] = resetAfter
  else
    local T = W / L
    local s = math.max(a, now)
    local backlog = s - now
    if backlog <= P then avail = math.floor((P - backlog) / T + EPS) + 1 else avail = 0 end
    if avail >= 1 then wait = backlog else wait = backlog - P end
    reset = backlog
    resetAfter = s + T - now
    na[i], nb[i], nc[i] = s + T, 0, 0
    ttl[i] = resetAfter
  end
  if avail < 1 then allowed = 0 end
  res[3 + (i - 1) * 3] = avail
  res[4 + (i - 1) * 3] = math.ceil(wait)
  res[5 + (i - 1) * 3] = math.ceil(reset)
  ra[i] = resetAfter
end
res[1] = allowed
if allowed == 1 and mode == 1 then
  for i = 1, n do
    redis.call('HSET', KEYS[i], 'a', string.format('%.17g', na[i]), 'b', string.format('%.17g', nb[i]), 'c', string.format('%.17g', nc[i]))
    redis.call('PEXPIRE', KEYS[i], math.max(1, math.ceil(ttl[i])))
    res[5 + (i - 1) * 3] = math.ceil(ra[i])
  end
end
return res
`;
