"""Getting a staff member's words to the person, on the channel they are using.

The sender id says the channel: "web-" conversations are widget sessions, reached through
the chat relay's open socket (held by this process, or by another one reached through
Redis: chat/shared.py); "tg-" ones go through the Telegram gateway. Others (the
REST webhook, Rasa's own socket.io channel) have no way back and are not offered takeover.
"""

from __future__ import annotations

from bot.backend.chat.gateway_client import TelegramGateway
from bot.backend.chat.hub import Hub
from bot.backend.chat.shared import SharedHub
from bot.backend.chat.tokens import SENDER_PREFIX as WEB_PREFIX

TELEGRAM_PREFIX = "tg-"

# What staff are told about each outcome (also the vocabulary of the case page's ?sent=).
OUTCOMES = {
    "delivered": "Sent. They are connected and can see it.",
    "queued": "Sent. Their chat is reconnecting; they will see it when it is back, if that "
              "is within 10 minutes.",
    "not_connected": "Not connected: they are not on the chat now, so they did not get it. "
                     "It is in the transcript.",
    "left": "They left the conversation, so nothing more is sent to them.",
    "unavailable": "Their chat could not be reached (the Telegram gateway, or the link "
                   "between our servers, is down), so they did not get it. Try again.",
    "not_configured": "Replies to Telegram are not configured (TELEGRAM_GATEWAY_URL), so "
                      "they did not get it.",
}


def channel_of(conversation_id: str) -> str | None:
    """"web", "telegram", or None when staff cannot reach this conversation live."""
    if conversation_id.startswith(WEB_PREFIX):
        return "web"
    if conversation_id.startswith(TELEGRAM_PREFIX):
        return "telegram"
    return None


async def deliver(hub: Hub | SharedHub, gateway: TelegramGateway, conversation_id: str,
                  text: str, speaker: str) -> str:
    """Send `text` to the person; return an OUTCOMES key. `speaker` is how the widget
    shows it: "team" for a staff member's words, "notice" for joining and leaving."""
    channel = channel_of(conversation_id)
    if channel == "web":
        return await hub.send(conversation_id,
                              {"type": "message", "from": speaker, "text": text, "buttons": []})
    if channel == "telegram":
        return await gateway.send(conversation_id, text)
    return "not_connected"
