"""The write benchmark's load through wrk (bench/gateway_writes.py): one wrk thread, CONNECTIONS
keep-alive connections, a Lua script written per run into the run's temp dir. A request counts
as done only on a 2xx answer; other statuses are counted apart (the caller fails a write run that
has any). p50/p99 are wrk's own latency percentiles, printed by the script's done() callback.

Runs over a list of ids (submits, approvals) stop when the ids are used up and every answer is
in; their rate is then the 2xx answers over the time from the start to the last answer."""
import json
import subprocess
from pathlib import Path

CONNECTIONS = 8

# Counting and timing, shared by every kind. A connection with nothing left to send gets "" (wrk
# then waits on it for ever) and the thread stops once every answer is in.
_COMMON = r'''
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } bench_ts; int clock_gettime(int, bench_ts *); ]]
local ts = ffi.new("bench_ts")
local function now() ffi.C.clock_gettime(1, ts) return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9 end
wrk.method = METHOD
wrk.path = PATH
wrk.headers["Authorization"] = "Bearer " .. KEY
wrk.headers["Content-Type"] = "application/json"
ok, other, sent, answered, ran_out, first, last, bad = 0, 0, 0, 0, 0, 0, 0, ""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) first = now() end
local function send(req)
  if req == nil then
    ran_out = 1
    if answered == sent then wrk.thread:stop() end
    return ""
  end
  sent = sent + 1
  return req
end
-- wrk calls request() once before the run, to check it: that one is not sent, its id not used
local checked = false
function rewind() end
function request()
  if not checked then checked = true local req = next_request() rewind() return req end
  return send(next_request())
end
function response(status, headers, body)
  answered = answered + 1
  if status >= 200 and status < 300 then
    ok = ok + 1
    last = now()
  else
    other = other + 1
    if bad == "" then bad = status .. " " .. string.sub(body or "", 1, 300) end
  end
  if ran_out == 1 and answered == sent then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local t = {ok = 0, other = 0, ran_out = 0, first = 1e18, last = 0, bad = ""}
  for _, thread in ipairs(threads) do
    t.ok = t.ok + thread:get("ok")
    t.other = t.other + thread:get("other")
    t.ran_out = math.max(t.ran_out, thread:get("ran_out"))
    t.first = math.min(t.first, thread:get("first"))
    t.last = math.max(t.last, thread:get("last"))
    if t.bad == "" then t.bad = thread:get("bad") end
  end
  local e = summary.errors
  io.write(string.format('wrk-json: {"ok": %d, "other": %d, "ran_out": %d, "elapsed": %.6f, "seconds": %.6f, ' ..
    '"p50": %.6f, "p99": %.6f, "socket_errors": %d, "bad": "%s"}\n', t.ok, t.other, t.ran_out,
    t.last - t.first, summary.duration / 1e6, latency:percentile(50) / 1e6, latency:percentile(99) / 1e6,
    e.connect + e.read + e.write + e.timeout, (t.bad:gsub('[%c"\\\\]', ' '))))
end
'''

# What each kind sends: next_request() returns a request, or nil when the ids are used up.
_KINDS = {
    "echo": ("POST", "/echo", 'local body = \'{"x": 1}\'\n'
                              'function next_request() return wrk.format(nil, nil, nil, body) end'),
    "list": ("GET", "/v1/programmes?limit=10", "function next_request() return wrk.format() end"),
    # a unique IATI identifier per create: the run's tag and a counter
    "create": ("POST", "/v1/programmes", 'local n = 0\n'
               'function next_request() n = n + 1 return wrk.format(nil, nil, nil, BODY[1] .. n .. BODY[2]) end'),
    "submit": ("POST", "/v1/results/", 'local ids, i = {}, 0\nfor line in io.lines(IDS) do ids[#ids + 1] = line end\n'
               'function rewind() i = 0 end\n'
               'function next_request() i = i + 1 if i > #ids then return nil end\n'
               '  return wrk.format(nil, PATH .. ids[i] .. ACTION, nil, "{}") end'),
}
_KINDS["approve"] = _KINDS["submit"]


def _lua(value: str) -> str:
    return json.dumps(value)   # a JSON string is a valid Lua string literal for this text (ASCII)


def script(work: Path, kind: str, key: str, *, body: tuple[str, str] = ("", ""), ids: list | None = None) -> Path:
    """The Lua script of one run of `kind`, written into `work`."""
    method, path, requests = _KINDS[kind]
    ids_file = work / f"{kind}-ids.txt"
    if ids is not None:
        ids_file.write_text("".join(f"{i}\n" for i in ids))
    head = (f"METHOD, PATH, KEY = {_lua(method)}, {_lua(path)}, {_lua(key)}\n"
            f"BODY = {{{_lua(body[0])}, {_lua(body[1])}}}\nIDS = {_lua(str(ids_file))}\n"
            f"ACTION = {_lua('/' + kind)}\n")
    out = work / f"{kind}.lua"
    out.write_text(head + _COMMON + requests + "\n")
    return out


def run(lua: Path, url: str, duration: float) -> dict:
    """One wrk run: {"rate", "ok", "other", "p50", "p99", "ran_out", "bad", ...}; latencies in seconds."""
    out = subprocess.run(["wrk", "-t", "1", "-c", str(CONNECTIONS), "-d", f"{max(1, round(duration))}s",
                          "--timeout", "60s", "-s", str(lua), url], capture_output=True, text=True,
                         timeout=duration + 120)
    lines = [line for line in out.stdout.splitlines() if line.startswith("wrk-json: ")]
    if not lines:
        raise RuntimeError(f"wrk said: {out.stdout}{out.stderr}")
    figures = json.loads(lines[-1][len("wrk-json: "):])
    seconds = figures["elapsed"] if figures["ran_out"] else figures["seconds"]
    figures["rate"] = figures["ok"] / seconds if seconds > 0 else 0.0
    return figures
