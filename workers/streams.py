"""Runs in Redis: key names and the atomic scripts that the API and the workers share.

Each run has a stream whose entry IDs are its events' seqs ("7-0" holds seq 7),
so "read after seq N" is XREAD from "N-0". A Lua script numbers and appends
an event in one step, whoever writes it (API or worker), and never reuses a
seq: the writer passes the highest seq it knows of as a floor, which carries
numbering over a Redis that lost its counter.

A second stream, ALL_EVENTS, tells the recorder about every event of every run
(visual payloads by reference only, so it stays small).

Leases: a worker claims attempt N of a run (only the current attempt, only
once), holds a lease key it renews as its heartbeat, and loses the run when the
lease is gone. The API's reaper requeues a run whose claimed attempt has no
lease left, and a run the database says is unfinished but Redis no longer knows (it lost its data): the
database is the source of truth.
"""
from __future__ import annotations

from workers.engine.probes import kept_whole

ALL_EVENTS = "playground:events"
RECORDER_GROUP = "recorder"
RUN_STREAM_MAXLEN = 5000  # events kept per run in Redis; older ones are read from the database
ALL_EVENTS_MAXLEN = 100_000
FINISHED_TTL_SECONDS = 24 * 3600  # a finished run's keys expire; its stored events stay in the database


def stream_key(run_id: str) -> str:
    return f"run:{run_id}:events"


def seq_key(run_id: str) -> str:
    return f"run:{run_id}:seq"


def control_key(run_id: str) -> str:
    return f"run:{run_id}:control"


def attempt_key(run_id: str) -> str:
    return f"run:{run_id}:attempt"  # the attempt allowed to train; 0 once the run must not train again


def lease_key(run_id: str) -> str:
    return f"run:{run_id}:lease"


def claimed_key(run_id: str, attempt: int | str) -> str:
    return f"run:{run_id}:claimed:{attempt}"


# KEYS: seq, run stream, all-events stream, the writer's progress. ARGV: floor, event JSON (no seq), run id,
# type, whole?, maxlens, ttl?, the writer's number for this event (0: no retries, no check).
# A writer that retries after losing the reply (Redis went down just after running this) must not append
# twice: its events are numbered, and one it has already appended is skipped.
PUBLISH = """
local n = tonumber(ARGV[9])
if n > 0 and tonumber(redis.call('GET', KEYS[4]) or '0') >= n then
  return tonumber(redis.call('GET', KEYS[1]) or '0')
end
local floor = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '0') < floor then redis.call('SET', KEYS[1], floor) end
local seq = redis.call('INCR', KEYS[1])
local payload = '{"seq":' .. seq .. ',' .. string.sub(ARGV[2], 2)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], seq .. '-0', 'event', payload)
local entry = {'run', ARGV[3], 'seq', seq, 'type', ARGV[4]}
if ARGV[5] == '1' then table.insert(entry, 'event') table.insert(entry, payload) end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', unpack(entry))
if n > 0 then redis.call('SET', KEYS[4], n, 'EX', 86400) end
if ARGV[8] ~= '0' then
  for _, key in ipairs({KEYS[1], KEYS[2]}) do redis.call('EXPIRE', key, ARGV[8]) end
end
return seq
"""

# KEYS: attempt, lease, claimed(attempt). ARGV: attempt, token, lease ms.
CLAIM = """
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) then return 'stale' end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'busy' end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'dead' end
redis.call('SET', KEYS[3], ARGV[2], 'EX', 604800)
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 'ok'
"""

# KEYS: lease. ARGV: token, lease ms. 1 while we hold it, 0 once it is gone or someone else's.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""

# KEYS: lease, attempt. ARGV: token, ttl. The run is over: drop the lease and let no attempt start again,
# in one step, so the reaper never sees a finished run as a lost one.
FINISH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], 0, 'EX', ARGV[2])
return 1
"""

def lost_key(run_id: str) -> str:
    return f"run:{run_id}:lost"  # when the reaper first found an unfinished run unknown to Redis (ms, Redis time)


# KEYS: attempt, lease, lost. ARGV: run id, max attempts, the database's attempt, 1 if the database says the run
# started (running or paused), lease ms.
# Answers {verdict, why}: verdict 0 (nothing to do), the attempt to queue (a task is sent for it), or -attempt
# (out of attempts: fail it); why: 'silent' (a claimed attempt's lease expired) or 'lost' (Redis has no record
# of a run the database says is unfinished: it restarted without its data, or evicted it). A lost run is acted
# on only once it has been unknown for a lease's life, so that a worker still training it has heard its lease
# is gone and stopped, and a run being submitted right now has had its attempt key set.
REAP = """
local raw = redis.call('GET', KEYS[1])
local max = tonumber(ARGV[2])
if raw then
  redis.call('DEL', KEYS[3])
  local attempt = tonumber(raw)
  if attempt == 0 or redis.call('EXISTS', KEYS[2]) == 1 then return {0, ''} end
  if redis.call('EXISTS', 'run:' .. ARGV[1] .. ':claimed:' .. attempt) == 0 then return {0, ''} end
  if attempt >= max then redis.call('SET', KEYS[1], 0) return {-attempt, 'silent'} end
  return {redis.call('INCR', KEYS[1]), 'silent'}
end
if redis.call('EXISTS', KEYS[2]) == 1 then return {0, ''} end
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local since = tonumber(redis.call('GET', KEYS[3]) or '-1')
local lease_ms = tonumber(ARGV[5])
if since < 0 then redis.call('SET', KEYS[3], ms, 'PX', 10 * lease_ms + 60000) return {0, ''} end
if ms - since < lease_ms then return {0, ''} end
redis.call('DEL', KEYS[3])
local attempt = tonumber(ARGV[3])
if ARGV[4] == '1' then
  if attempt >= max then redis.call('SET', KEYS[1], 0) return {-attempt, 'lost'} end
  attempt = attempt + 1
end
redis.call('SET', KEYS[1], attempt)
return {attempt, 'lost'}
"""

# KEYS: lease. ARGV: token. We stop training without ending the run: the lease goes, if it is still ours.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS: attempt. ARGV: run id. 'cancelled' when the run had not started (it never will now),
# 'started' when a worker holds it (send it "stop"), 'ended' when no attempt may run.
CANCEL_QUEUED = """
local attempt = tonumber(redis.call('GET', KEYS[1]) or '0')
if attempt == 0 then return 'ended' end
if redis.call('EXISTS', 'run:' .. ARGV[1] .. ':claimed:' .. attempt) == 1 then return 'started' end
redis.call('SET', KEYS[1], 0)
return 'cancelled'
"""


def publish_args(run_id: str, event_json: str, kind: str, floor: int, terminal: bool,
                 writer: str = "", number: int = 0) -> tuple[list, list]:
    """KEYS and ARGV of PUBLISH for one event; `writer` and `number` make a retried publish safe.

    `kind` is the event's slot (probes.slot): its type, or `feature_maps:P` for a probe's maps, so that the
    recorder keeps the latest of each."""
    keys = [seq_key(run_id), stream_key(run_id), ALL_EVENTS, f"run:{run_id}:writer:{writer}"]
    argv = [floor, event_json, run_id, kind, "1" if kept_whole(kind) else "0", RUN_STREAM_MAXLEN,
            ALL_EVENTS_MAXLEN, FINISHED_TTL_SECONDS if terminal else 0, number]
    return keys, argv
