"""Replies as Telegram messages: escaped, split at Telegram's limit, buttons kept."""

from __future__ import annotations

import html

from bot.telegram.render import (MAX_BUTTONS, MAX_UNITS, NO_TEXT, Button, escape, from_replies,
                                 from_reply, plain, split, utf16_units)


def test_markup_in_a_reply_is_shown_as_written():
    [message] = from_reply({"text": "<b>bold</b> & <script>alert(1)</script> a > b"})
    assert "<" not in message.html and ">" not in message.html
    assert html.unescape(message.html) == "<b>bold</b> & <script>alert(1)</script> a > b"


def test_existing_entities_are_escaped_too():
    assert escape("&amp; &lt;") == "&amp;amp; &amp;lt;"


def test_links_stay_plain_text_for_telegram_to_link():
    [message] = from_reply({"text": "Report it: https://www.stopncii.org/?a=1&b=2"})
    assert html.unescape(message.html) == "Report it: https://www.stopncii.org/?a=1&b=2"
    assert "<a " not in message.html


def test_buttons_are_kept_in_order_and_bad_ones_skipped():
    [message] = from_reply({"text": "Where do you live?", "buttons": [
        {"title": "Scotland", "payload": '/inform_country{"country": "GB-SCT"}'},
        {"title": "", "payload": "/x"}, {"title": "No payload"}, "junk", None,
        {"title": "Wales", "payload": '/inform_country{"country": "GB-WLS"}'},
    ]})
    assert message.buttons == (
        Button("Scotland", '/inform_country{"country": "GB-SCT"}'),
        Button("Wales", '/inform_country{"country": "GB-WLS"}'))


def test_a_keyboard_is_bounded():
    reply = {"text": "t", "buttons": [{"title": f"b{i}", "payload": f"/p{i}"}
                                      for i in range(300)]}
    assert len(from_reply(reply)[0].buttons) == MAX_BUTTONS


def test_replies_without_anything_to_show_are_skipped():
    assert from_replies([{"custom": {"x": 1}}, {"text": "  "}, "nonsense", 7, None]) == []


def test_buttons_without_text_get_a_neutral_line():
    [message] = from_reply({"buttons": [{"title": "Yes", "payload": "/affirm"}]})
    assert message.html == NO_TEXT and message.buttons


def test_an_image_is_a_link_never_a_download():
    [message] = from_reply({"text": "See", "image": "https://example.org/a.png"})
    assert message.html == "See\nhttps://example.org/a.png"


def test_long_replies_split_at_paragraphs_with_buttons_on_the_last_part():
    paragraphs = [f"Paragraph {i}. " + "word " * 150 for i in range(10)]
    messages = from_reply({"text": "\n\n".join(paragraphs),
                           "buttons": [{"title": "More", "payload": "/more"}]})
    assert len(messages) > 1
    assert all(utf16_units(html.unescape(m.html)) <= MAX_UNITS for m in messages)
    assert all(m.buttons == () for m in messages[:-1]) and messages[-1].buttons
    assert all(html.unescape(m.html).startswith("Paragraph") for m in messages)


def test_split_counts_utf16_units_and_cuts_words_only_when_it_must():
    emoji = "😭" * 3000  # 6,000 UTF-16 units, no spaces
    parts = split(emoji)
    assert "".join(parts) == emoji and all(utf16_units(p) <= MAX_UNITS for p in parts)
    assert split("short") == ["short"]


def test_escaping_does_not_break_the_length_limit():
    parts = plain("&" * 5000)
    assert all(len(html.unescape(p.html)) <= MAX_UNITS for p in parts)
    assert "".join(html.unescape(p.html) for p in parts) == "&" * 5000
