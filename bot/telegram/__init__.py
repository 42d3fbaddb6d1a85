"""The Telegram gateway: people talk to the assistant from a Telegram private chat.

    Telegram --(polling or webhook)--> handlers --> Rasa's REST channel
        ^                                 |
        +------ replies, inline keyboards <+
    backend --(internal API, takeover)--> the person's chat

Modules: settings (environment), ids (chat id <-> conversation id), incoming (cleaning
what people type), render (replies as Telegram messages), buttons (callback tokens),
sent (message ids for /clear), ordering (chat lanes, duplicates), rasa_client and
backend_client (HTTP clients: the gateway's only one of Rasa's API, and the backend's),
wording (the gateway's own few sentences), gateway (the work for one chat), handlers
(what each update means), web (aiohttp routes), main (wiring).
"""
