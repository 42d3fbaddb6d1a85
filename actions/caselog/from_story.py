"""What a story volunteers for the person's log: the links and @usernames in their words.

"He put it on reddit.com/r/somewhere/123, his account is @night_owl" fills the log with a
place and an account, so nobody has to say it twice. Links are kept as text and never
opened; an email address is not a username; what is already in the log is not added again.
"""

from __future__ import annotations

import logging
import re
from typing import Dict, List, Optional, Tuple

from actions.caselog.field_rules import FieldError
from actions.caselog.log_store import CaseLog, LogFull

logger = logging.getLogger(__name__)

# A web address with a scheme or www., or a domain followed by a path ("x.com/a/status/1").
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']+"
                   r"|(?<![\w@.])(?:[a-z0-9-]+\.)+[a-z]{2,}/[^\s<>\"']*", re.IGNORECASE)
# @name, not part of an email address.
_USERNAME = re.compile(r"(?<![\w.@])@[a-z0-9_](?:[a-z0-9_.]{0,28}[a-z0-9_])?", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
# The site's name in a link: "reddit" in https://www.reddit.com/r/...
_SITE = re.compile(r"(?:https?://)?(?:www\.|m\.|old\.)?([a-z0-9-]+)\.[a-z]", re.IGNORECASE)


def volunteered(text: str) -> Tuple[List[str], List[str]]:
    """The links and the @usernames in a message, in order, each once."""
    links: List[str] = []
    for match in _LINK.finditer(text or ""):
        link = match.group(0).rstrip(_TRAILING)
        if link and link not in links:
            links.append(link)
    names: List[str] = []
    for match in _USERNAME.finditer(text or ""):
        if match.group(0) not in names:
            names.append(match.group(0))
    return links, names


def platform_of_link(link: str, platforms: Dict[str, Tuple[str, ...]]) -> Optional[str]:
    """The directory platform a link's site is ("instagram.com/p/1" is Meta's), if any:
    `platforms` maps each platform id to its aliases."""
    match = _SITE.match(link)
    if not match:
        return None
    site = match.group(1).lower()
    for platform_id, aliases in platforms.items():
        if site == platform_id or site in aliases:
            return platform_id
    return None


def note_volunteered(log: CaseLog, conversation_id: str, text: str,
                     platform: Optional[str],
                     platforms: Optional[Dict[str, Tuple[str, ...]]] = None) -> List[int]:
    """Adds the message's links as places and @usernames as accounts (with the one
    platform the message named, if any); returns the new entries' numbers. A value the
    log will not keep (an image, an over-long link) is left out, never an error."""
    links, names = volunteered(text)
    if not links and not names:
        return []
    entries = log.entries(conversation_id)
    kept_links = {getattr(e.record, "link", None) for e in entries} | {
        getattr(e.record, "profile_link", None) for e in entries}
    kept_names = {(getattr(e.record, "username", None) or "").lower() for e in entries}
    added: List[int] = []
    wanted = [("place", {"link": link,
                         "platform": platform or platform_of_link(link, platforms or {})})
              for link in links if link not in kept_links]
    wanted += [("account", {"username": name, "platform": platform}) for name in names
               if name.lower() not in kept_names]
    for kind, values in wanted:
        try:
            added.append(log.add(conversation_id, kind, values).number)
        except (FieldError, LogFull) as error:
            logger.info("a volunteered %s was not kept (%s)", kind, type(error).__name__)
    return added

