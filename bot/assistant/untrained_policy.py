"""What the project's own dialogue policies share: Rasa's policy hooks for a policy that
learns nothing and decides from the tracker alone.

The SafetyPolicy and the TakeoverPolicy each add only their priority and their
prediction; Rasa's constructor and training hooks are written here once.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.core.policies.policy import Policy, SupportedData
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates


class UntrainedPolicy(Policy):
    """A policy with nothing to learn (not registered itself: only its subclasses are)."""

    @staticmethod
    def supported_data() -> SupportedData:
        """Rasa's hook: any training data (the policy uses none)."""
        return SupportedData.ML_AND_RULE_DATA

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource, execution_context: ExecutionContext,
                 **kwargs: Any) -> None:
        super().__init__(config, model_storage, resource, execution_context)

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Rasa's hook: nothing to learn."""
        return self._resource
