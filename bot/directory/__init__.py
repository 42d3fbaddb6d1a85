"""The service directory: sourced, dated facts about services, platforms and the law."""

from bot.directory.directory import (  # noqa: F401
    ADULT,
    UNDER_18,
    Directory,
    Person,
    cached_directory,
    load_directory,
)
from bot.directory.records import DirectoryError  # noqa: F401
