"""A copy of the person's log, downloaded once by the widget session it was made for.

    POST /chat/document   body (text/plain): "<session token>\\n<document token>"
        200 the PDF (Content-Disposition: attachment), once; 404 when it has been
        downloaded, has expired (10 minutes) or is another session's; 400 for a session
        token that is not genuine; 403 from a page that may not use the chat.

The relay gave the widget only the document's token (service.py). The session token
proves which conversation asks, and the action server hands the file over only to that
conversation, deleting it as it does (actions/caselog/documents.py): so the link works
once, for a few minutes, for that session alone. The body is plain text so that the
browser sends it without a preflight; the answer names the page's origin so the widget
may read it. Nothing is logged about whose copy it was.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.backend.chat import origins
from bot.backend.chat.tokens import sender_id
from bot.backend.keys import CHAT
from bot.case_documents import for_token

logger = logging.getLogger(__name__)
MAX_BODY = 512
GONE = ("That copy has already been downloaded, or it has expired. Ask me for a new copy "
        "whenever you like.")


async def download(request: web.Request) -> web.StreamResponse:
    """POST /chat/document."""
    if not origins.allowed(request):
        raise web.HTTPForbidden(text="This page may not use the chat.")
    chat = request.config_dict[CHAT]
    raw = await request.content.read(MAX_BODY + 1)
    text = raw.decode("ascii", "replace") if len(raw) <= MAX_BODY else ""
    session_token, _, document_token = text.strip().partition("\n")
    session_id = chat.tokens.verify(session_token.strip()) if chat.tokens else None
    if session_id is None:
        raise web.HTTPBadRequest(text="not a chat session")
    cors = {"Access-Control-Allow-Origin": request.headers["Origin"], "Vary": "Origin",
            "Cache-Control": "no-store"}
    wanted = for_token(document_token)
    fetched = None
    if wanted is not None and chat.documents is not None:
        fetched = await chat.documents.fetch(sender_id(session_id), wanted)
    if fetched is None:
        logger.info("a widget asked for a copy of a log that is gone")
        return web.Response(status=404, text=GONE, headers=cors)
    logger.info("a copy of a log was downloaded through the widget")
    return web.Response(body=fetched.content, content_type=fetched.media_type, headers={
        **cors, "Content-Disposition": 'attachment; filename="case-log.pdf"',
        "X-Content-Type-Options": "nosniff"})
