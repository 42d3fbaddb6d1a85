"""The action server's route for a copy of a person's log, fetched by its channel.

    GET /case-documents/<token>   Authorization: Bearer CASE_DOCUMENT_TOKEN
                                  X-Conversation-Id: the conversation it was made for
        200 with the file, once; 404 for anything else (a used, expired or unknown token,
        another conversation's token, no CASE_DOCUMENT_TOKEN set); 401 without the token.

Only the Telegram gateway and the widget's relay hold CASE_DOCUMENT_TOKEN; it opens
nothing else (bot/action_gate.py lets this path through to its own check, and Rasa's
ACTION_SERVER_TOKEN is refused here). Logs say what happened, never for whom.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any, Callable, Optional

from actions.caselog.documents import DocumentStore
from bot.contract import CASE_DOCUMENT_PATH

logger = logging.getLogger(__name__)
PATH = CASE_DOCUMENT_PATH + "<document_token>"
MAX_TOKEN = 64
MAX_CONVERSATION_ID = 255


def _authorised(request: Any, expected: str) -> bool:
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode("utf-8", "replace"), expected.encode("utf-8"))


def add_document_route(app: Any, token: Optional[str],
                       documents: Callable[[], DocumentStore]) -> None:
    """Adds the route to rasa-sdk's Sanic app; `documents` gives the store on first use."""
    from sanic import response

    @app.get(PATH, name="case_document")
    async def case_document(request: Any, document_token: str) -> Any:
        given = document_token
        if not token or not _authorised(request, token):
            return response.json({"error": "unauthorized"}, status=401 if token else 404)
        conversation = request.headers.get("X-Conversation-Id", "")
        if not given or len(given) > MAX_TOKEN or not conversation \
                or len(conversation) > MAX_CONVERSATION_ID:
            return response.json({"error": "not_found"}, status=404)
        document = await asyncio.to_thread(documents().take, given, conversation)
        if document is None:
            logger.info("a case document was asked for that is used, expired or not theirs")
            return response.json({"error": "not_found"}, status=404)
        logger.info("a case document was handed to its channel")
        return response.raw(document.content, content_type=document.media_type, headers={
            "Content-Disposition": f'attachment; filename="{document.filename}"',
            "Cache-Control": "no-store"})
