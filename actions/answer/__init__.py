"""Answer first: what the person told us becomes a case plan, said in a few short messages.

`facts` reads what is known from the conversation, `actions.caseplan` turns it into
steps, `wording` says them, and `action` (action_answer) chooses the topic for each turn.
"""
