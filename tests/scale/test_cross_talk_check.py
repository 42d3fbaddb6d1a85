"""The load test's cross-talk check (bot/bench/personas.py) finds what it should."""

from __future__ import annotations

from typing import Any, Dict, List

from bot.bench import personas

Turns = List[List[Dict[str, Any]]]


def turns_for(person: personas.Persona, number: str = "", reference: str = "",
              sender: str = "") -> Turns:
    """A plausible conversation's replies, with what the test wants in them."""
    to = sender or person.sender
    replies: Turns = [[{"recipient_id": to, "text": "What would you like to do?"}]
                      for _ in person.messages()]
    # Before the person says where they live, the UK's number is the right one.
    replies[0] = [{"recipient_id": to, "text": "If you're in danger, call 999."}]
    replies[2] = [{"recipient_id": to,
                   "text": f"In an emergency, call {number or person.emergency}."}]
    replies[-2] = [{"recipient_id": to, "text": "Your note: on a forum, my reference is "
                                                f"{reference or person.reference}"}]
    return replies


def test_a_conversation_that_gets_only_its_own_replies_passes():
    ireland = personas.persona(1)
    assert ireland.place == "Ireland" and ireland.emergency == "112"
    assert personas.cross_talk(ireland, turns_for(ireland)) == []


def test_another_countrys_emergency_number_is_cross_talk():
    ireland = personas.persona(1)
    assert personas.cross_talk(ireland, turns_for(ireland, number="000"))


def test_the_number_list_of_the_evidence_step_is_not():
    ireland = personas.persona(1)
    turns = turns_for(ireland)
    turns[3] = [{"recipient_id": ireland.sender, "text": "If you are in danger, get help "
                 "first: call 999 in the UK, 112 in Ireland, 911 in the US or 000 in Australia."}]
    assert personas.cross_talk(ireland, turns) == []


def test_police_lines_that_are_not_emergency_numbers_are_not():
    australia = personas.persona(3)
    turns = turns_for(australia)
    turns[4] = [{"recipient_id": australia.sender, "text": "In an emergency, call 000.\n"
                 "To report it when it's not an emergency, call 131 444."}]
    assert personas.cross_talk(australia, turns) == []
    england = personas.persona(0)
    turns = turns_for(england)
    turns[4] = [{"recipient_id": england.sender, "text": "In an emergency, call 999.\n"
                 "To report it when it's not an emergency, call 101."}]
    assert personas.cross_talk(england, turns) == []
    turns[5] = [{"recipient_id": england.sender, "text": "In an emergency, call 911."}]
    assert personas.cross_talk(england, turns) == ["emergency number 911"]


def test_another_conversations_reference_or_address_is_cross_talk():
    person = personas.persona(5)
    assert personas.cross_talk(person, turns_for(person, reference="00000006"))
    assert personas.cross_talk(person, turns_for(person, sender="load-someone-else"))


def test_missing_evidence_fails_the_check():
    person = personas.persona(2)
    silent: Turns = [[] for _ in person.messages()]
    assert personas.cross_talk(person, silent)
