"""Everything around the Rasa assistant: NLU/dialogue plug-ins, the service directory,
the referral backend, the staff dashboard and the channels.

Sub-packages import only what they need, so the Rasa environment (Python 3.10, Rasa's
pins) can import `bot.assistant` and `bot.directory` without pulling in the backend's
dependencies.
"""
