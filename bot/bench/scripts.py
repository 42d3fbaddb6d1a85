"""Scripted conversations for the benchmarks: realistic journeys for this assistant, and
the equivalent small talk for the stock `rasa init` (moodbot) assistant."""

from __future__ import annotations

from typing import List

# Each conversation is what one person types, message by message.
ASSISTANT: List[List[str]] = [
    ["hi", "/affirm", "someone posted fake nudes of me on instagram", "/ask_takedown",
     '/inform{"age_group": "adult"}', '/inform{"country": "GB-ENG"}', "thanks"],
    ["my ex is threatening to share my pictures", "/ask_evidence", "im 17",
     "/ask_support", "scotland", "/inform{\"perpetrator\": \"ex_partner\"}"],
    ["hello", "they want money or they will send my pics to everyone", "I'm 15",
     "I live in Wales", "i just want to die", "/request_human", "/affirm",
     '/inform_contact_method{"contact_method": "chat"}', "after school", "I need help",
     "/affirm"],
    ["is this confidential?", "can i send you the screenshot", "how do i leave quickly",
     "what is stopncii", "/inform{\"age_group\": \"adult\"}", "bye"],
    ["is it illegal to make deepfakes", "ireland", "can the police help", "/unsure", "thank you"],
]

STOCK: List[List[str]] = [
    ["hi", "I am sad", "yes", "bye"],
    ["hello", "great", "are you a bot?", "goodbye"],
    ["hey", "very sad", "no", "good afternoon", "bye"],
    ["good morning", "I am feeling very good", "bye"],
    ["hi there", "unhappy", "yes", "am I talking to a human?", "bye"],
]

# For `make bench-load`: the middles of the journeys above, without the messages that say
# where the person lives or how old they are, since each load conversation states its own
# (bot/bench/personas.py) to check that every reply belongs to it.
LOAD_MIDDLES: List[List[str]] = [
    ["someone posted fake nudes of me on instagram", "/ask_takedown"],
    ["my ex is threatening to share my pictures", "/ask_evidence"],
    ["is this confidential?", "can i send you the screenshot", "what is stopncii"],
    ["is it illegal to make deepfakes", "/ask_law"],
    ["how do i leave quickly", "/ask_evidence"],
]

# What the stock bot is sent per conversation in the same run: three of its scripts in a
# row, so both bots answer about as many messages per conversation.
STOCK_LOAD: List[List[str]] = [STOCK[i % len(STOCK)] + STOCK[(i + 1) % len(STOCK)]
                               + STOCK[(i + 2) % len(STOCK)] for i in range(len(STOCK))]
