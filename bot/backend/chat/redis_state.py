"""What the web chat keeps in Redis when several backend processes serve it (REDIS_URL).

Per widget session (its sender id; the braces keep one session's keys in one Redis
Cluster slot), every key expiring:

    {prefix}{sender}:holder   the id of the process holding its socket (HOLDER_SECONDS,
                              renewed while it is held, so a crashed process's entry goes)
    {prefix}{sender}:away     the socket dropped and replies wait (AWAY_SECONDS)
    {prefix}{sender}:mailbox  those replies, oldest first, at most MAILBOX_SIZE
    {prefix}{sender}:left     quick exit: never resumed, nothing more sent (the token's life)

and two pub/sub channels (which ignore the database number: hence the prefix):

    {prefix}process:{id}      frames for the sockets one process holds, and notices
                              ({"to": sender, "frame": {...}} | {"to": sender, "event":
                              "replaced" | "left"})
    {prefix}presence          "<state> <sender>" when a session connects, drops or leaves,
                              so the case page on any process knows at once

The mailbox is shared rather than left in the process that had the socket: the chat
Ingress is sticky by the person's address, which is exactly what changes when a phone
moves from Wi-Fi to mobile data, and a rolling update sends every widget to another pod.
Quick exit is kept here too (not only as referral.left_at) because most conversations
have no referral, and a token must not be resumed on any process after it.

Each step that reads and writes is one Lua script, so a delivery cannot slip between a
reconnect's steps: a frame is either published to the process holding the socket, or in
the mailbox the next holder empties. Redis keeps this for minutes, in memory only (the
compose file and the manifest run it without persistence).
"""

from __future__ import annotations

import json

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from bot.backend.chat.hub import AWAY_SECONDS, MAILBOX_SIZE, Frame

HOLDER_SECONDS = 900

# KEYS: left, holder, away, mailbox. ARGV: channel prefix, message for the holder, frame,
# mailbox size, away seconds, a process not to publish to (the caller, whose socket went).
_DELIVER = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 'left' end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[6] then
  if redis.call('PUBLISH', ARGV[1] .. holder, ARGV[2]) > 0 then return 'delivered' end
end
if redis.call('EXISTS', KEYS[3]) == 0 then return 'not_connected' end
redis.call('RPUSH', KEYS[4], ARGV[3])
redis.call('LTRIM', KEYS[4], -tonumber(ARGV[4]), -1)
redis.call('EXPIRE', KEYS[4], ARGV[5])
return 'queued'
"""
# KEYS: left, mailbox. ARGV: frame, mailbox size, away seconds.
_QUEUE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 'left' end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 'queued'
"""
# KEYS: holder, away, mailbox. ARGV: process id, holder seconds, channel prefix, the
# "replaced" notice, presence channel, presence message. Returns the waiting frames.
_ATTACH = """
local previous = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('DEL', KEYS[2])
if previous and previous ~= ARGV[1] then redis.call('PUBLISH', ARGV[3] .. previous, ARGV[4]) end
redis.call('PUBLISH', ARGV[5], ARGV[6])
local waiting = redis.call('LRANGE', KEYS[3], 0, -1)
redis.call('DEL', KEYS[3])
return waiting
"""
# KEYS: holder, away. ARGV: process id, away seconds, presence channel, presence message.
_DETACH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
"""
# KEYS: left, holder, away, mailbox. ARGV: process id, left seconds, channel prefix, the
# "left" notice, presence channel, presence message.
_LEAVE = """
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
local holder = redis.call('GET', KEYS[2])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
if holder and holder ~= ARGV[1] then redis.call('PUBLISH', ARGV[3] .. holder, ARGV[4]) end
redis.call('PUBLISH', ARGV[5], ARGV[6])
"""
# KEYS: left, holder, away. ARGV: channel prefix. A holder whose process has gone (no
# subscriber) does not count as connected.
_PRESENCE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 'left' end
local holder = redis.call('GET', KEYS[2])
if holder and redis.call('PUBSUB', 'NUMSUB', ARGV[1] .. holder)[2] > 0 then
  return 'connected'
end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'away' end
return 'not_connected'
"""
# KEYS: holders of the sockets this process holds. ARGV: process id, holder seconds.
# Renews them, and puts back any that Redis lost in a restart (it keeps nothing on disk).
_KEEP = """
for _, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if not holder or holder == ARGV[1] then redis.call('SET', key, ARGV[1], 'EX', ARGV[2]) end
end
"""


class RedisState:
    """One process's view of the shared state: the steps above, by sender id."""

    def __init__(self, redis: Redis, prefix: str, process: str, left_seconds: float) -> None:
        self.redis = redis
        self.process = process
        self._prefix = prefix
        self._left_seconds = max(1, int(left_seconds))
        self.process_channel = self._channel(process)
        self.presence_channel = f"{prefix}presence"
        self._deliver = redis.register_script(_DELIVER)
        self._queue = redis.register_script(_QUEUE)
        self._attach = redis.register_script(_ATTACH)
        self._detach = redis.register_script(_DETACH)
        self._leave = redis.register_script(_LEAVE)
        self._presence = redis.register_script(_PRESENCE)
        self._keep = redis.register_script(_KEEP)

    def pubsub(self) -> PubSub:
        """A subscription to this process's channel and the presence channel."""
        return self.redis.pubsub(ignore_subscribe_messages=True)

    async def deliver(self, sender: str, frame: Frame, from_here: bool = False) -> str:
        """"delivered" (published to the holder), "queued", "left" or "not_connected";
        `from_here`: this process's socket has gone, so do not publish back to it."""
        message = _json({"to": sender, "frame": frame})
        return str(await self._deliver(
            keys=[self._key(sender, "left"), self._key(sender, "holder"),
                  self._key(sender, "away"), self._key(sender, "mailbox")],
            args=[self._channel(""), message, _json(frame), MAILBOX_SIZE, int(AWAY_SECONDS),
                  self.process if from_here else ""]))

    async def queue(self, sender: str, frame: Frame) -> str:
        """Into the mailbox ("queued"), unless they left ("left")."""
        return str(await self._queue(
            keys=[self._key(sender, "left"), self._key(sender, "mailbox")],
            args=[_json(frame), MAILBOX_SIZE, int(AWAY_SECONDS)]))

    async def attach(self, sender: str) -> list[Frame]:
        """This process holds the socket now; the frames that waited, oldest first."""
        waiting = await self._attach(
            keys=[self._key(sender, "holder"), self._key(sender, "away"),
                  self._key(sender, "mailbox")],
            args=[self.process, HOLDER_SECONDS, self._channel(""),
                  _json({"to": sender, "event": "replaced"}), self.presence_channel,
                  f"connected {sender}"])
        return [json.loads(raw) for raw in waiting]

    async def detach(self, sender: str) -> None:
        """The socket this process held dropped: replies wait from now on."""
        await self._detach(keys=[self._key(sender, "holder"), self._key(sender, "away")],
                           args=[self.process, int(AWAY_SECONDS), self.presence_channel,
                                 f"away {sender}"])

    async def leave(self, sender: str) -> None:
        """Quick exit: refuse the session everywhere, forget its mailbox, tell its holder."""
        await self._leave(
            keys=[self._key(sender, "left"), self._key(sender, "holder"),
                  self._key(sender, "away"), self._key(sender, "mailbox")],
            args=[self.process, self._left_seconds, self._channel(""),
                  _json({"to": sender, "event": "left"}), self.presence_channel,
                  f"left {sender}"])

    async def holder(self, sender: str) -> str | None:
        """The id of the process holding the session's socket, if any."""
        holder = await self.redis.get(self._key(sender, "holder"))
        return None if holder is None else str(holder)

    async def has_left(self, sender: str) -> bool:
        """Whether the person used quick exit, on any process."""
        return bool(await self.redis.exists(self._key(sender, "left")))

    async def presence(self, sender: str) -> str:
        """"connected", "away", "left" or "not_connected", across every process."""
        return str(await self._presence(
            keys=[self._key(sender, "left"), self._key(sender, "holder"),
                  self._key(sender, "away")],
            args=[self._channel("")]))

    async def keep(self, senders: list[str]) -> None:
        """Renew (or restore) the holder entries of the sockets this process holds."""
        for start in range(0, len(senders), 500):
            await self._keep(keys=[self._key(s, "holder") for s in senders[start:start + 500]],
                             args=[self.process, HOLDER_SECONDS])

    async def close(self) -> None:
        """Close the Redis connections (at shutdown)."""
        await self.redis.aclose()

    def _key(self, sender: str, what: str) -> str:
        return f"{self._prefix}{{{sender}}}:{what}"

    def _channel(self, process: str) -> str:
        return f"{self._prefix}process:{process}"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
