"""The safety policy: a crisis or danger message is answered by the safety action, always.

Rasa's RulePolicy makes an active form's next step a "no user input" prediction that
outranks every other policy, so a crisis message in the middle of a form would otherwise
be fed to the form. This policy marks its own prediction the same way and has a higher
priority, so the reply to that very message carries crisis lines, whatever the dialogue
was doing. The safety action then closes any open form and offers to carry on later.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.assistant.untrained_policy import UntrainedPolicy

SAFETY_INTENTS = ("crisis_self_harm", "immediate_danger")
SAFETY_ACTION = "action_safety_response"
# Above RulePolicy (6), the highest of Rasa's own policies, and above the TakeoverPolicy
# (7): crisis lines go out even while a staff member has taken over.
SAFETY_PRIORITY = 8


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class SafetyPolicy(UntrainedPolicy):
    """Predicts the safety action right after any crisis or danger message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Rasa's hook: a priority above every other policy."""
        return {"priority": SAFETY_PRIORITY}

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Rasa's hook: the safety action after a crisis or danger message, else nothing."""
        probabilities = self._default_predictions(domain)
        if self.is_safety_turn(tracker) and SAFETY_ACTION in domain.action_names_or_texts:
            probabilities[domain.index_for_action(SAFETY_ACTION)] = 1.0
            return self._prediction(probabilities, is_no_user_prediction=True)
        return self._prediction(probabilities)

    @staticmethod
    def is_safety_turn(tracker: DialogueStateTracker) -> bool:
        """The person has just said something that raised a crisis or danger intent."""
        intent = tracker.latest_message.intent.get("name") if tracker.latest_message else None
        return tracker.latest_action_name == ACTION_LISTEN_NAME and intent in SAFETY_INTENTS
