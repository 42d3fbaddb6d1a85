"""The takeover policy: while a staff member has taken over, the assistant stays quiet.

Staff take over by setting the `human_takeover` slot through Rasa's HTTP API (the backend
does this). While it is set, every message is logged and answered by nobody but the staff
member: this policy predicts `action_listen`. Two things are never held back: crisis and
danger messages (the SafetyPolicy outranks this one, so crisis lines still go out at once)
and a request to delete the person's data, with its confirmation, which the rules answer
as at any other time. Rasa's own pause event would silence those too, which is why it is
not used.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.assistant.untrained_policy import UntrainedPolicy
from bot.contract import TAKEOVER_SLOT

ERASURE_INTENT = "delete_data"
ERASURE_QUESTION = "utter_confirm_delete"
# Above RulePolicy (6) and its form predictions; below the SafetyPolicy.
TAKEOVER_PRIORITY = 7


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class TakeoverPolicy(UntrainedPolicy):
    """Predicts action_listen while a person from the team is in the conversation."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Rasa's hook: a priority above the rules, below the SafetyPolicy."""
        return {"priority": TAKEOVER_PRIORITY}

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Rasa's hook: action_listen while staff have taken over, except for erasure."""
        probabilities = [0.0] * domain.num_actions
        if tracker.get_slot(TAKEOVER_SLOT) and not self.is_erasure_turn(tracker):
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
            return self._prediction(probabilities, is_no_user_prediction=True)
        return self._prediction(probabilities)

    @staticmethod
    def is_erasure_turn(tracker: DialogueStateTracker) -> bool:
        """The person asked to delete their data, or is answering "shall I delete it?"."""
        if tracker.latest_message and \
                tracker.latest_message.intent.get("name") == ERASURE_INTENT:
            return True
        actions = [e.action_name for e in tracker.events if isinstance(e, ActionExecuted)]
        # ... utter_confirm_delete, action_listen, <user answered> : the answer is awaited
        asked = len(actions) >= 2 and actions[-2] == ERASURE_QUESTION \
            and actions[-1] == ACTION_LISTEN_NAME
        # After the question or the erasure itself has run, this turn continues to its end.
        answering = tracker.latest_action_name in (ERASURE_QUESTION,
                                                   "action_erase_conversation",
                                                   "utter_delete_cancelled")
        return asked or answering
