"""The web chat: the widget's script and demo page, and the relay between it and Rasa.

The widget never talks to Rasa: Rasa's API stays on the private network, and the relay
decides who a browser is (a server-issued, signed session id), what it may send, and
what it is told when the assistant is down.
"""
