"""The safety and takeover policies, alone and against Rasa's own form predictions."""

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.assistant.safety_policy import SAFETY_ACTION, SafetyPolicy
from bot.assistant.takeover_policy import TakeoverPolicy

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [crisis_self_harm, immediate_danger, ask_takedown, delete_data, affirm]
slots:
  human_takeover: {type: bool, influence_conversation: false, mappings: [{type: custom}]}
  country: {type: text, influence_conversation: false, mappings: [{type: custom}]}
forms:
  triage_form: {required_slots: [country]}
actions: [action_safety_response, action_erase_conversation]
responses:
  utter_ask_country: [{text: "Where?"}]
  utter_confirm_delete: [{text: "Delete?"}]
""")


def make(cls, tmp_path):
    return cls(cls.get_default_config(), LocalModelStorage(tmp_path), Resource(cls.__name__),
               ExecutionContext(GraphSchema({}), "test"))


def tracker_after(intent, *events):
    tracker = DialogueStateTracker("t", DOMAIN.slots)
    for event in events:
        tracker.update(event, DOMAIN)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("text", {"name": intent, "confidence": 1.0}))
    return tracker


def predicted(prediction: PolicyPrediction) -> str:
    best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
    return DOMAIN.action_names_or_texts[best] if prediction.max_confidence > 0 else None


@pytest.mark.parametrize("intent", ["crisis_self_harm", "immediate_danger"])
def test_safety_messages_get_the_safety_action(tmp_path, intent):
    policy = make(SafetyPolicy, tmp_path)
    prediction = policy.predict_action_probabilities(tracker_after(intent), DOMAIN)
    assert predicted(prediction) == SAFETY_ACTION and prediction.is_no_user_prediction


def test_other_messages_are_left_to_other_policies(tmp_path):
    policy = make(SafetyPolicy, tmp_path)
    assert predicted(policy.predict_action_probabilities(tracker_after("ask_takedown"),
                                                         DOMAIN)) is None


def test_only_straight_after_the_message(tmp_path):
    tracker = tracker_after("crisis_self_harm")
    tracker.update(ActionExecuted(SAFETY_ACTION))
    assert predicted(make(SafetyPolicy, tmp_path).predict_action_probabilities(
        tracker, DOMAIN)) is None


def test_the_safety_action_outranks_an_active_form(tmp_path):
    tracker = tracker_after("crisis_self_harm", ActiveLoop("triage_form"))
    probabilities = [0.0] * DOMAIN.num_actions
    probabilities[DOMAIN.index_for_action("triage_form")] = 1.0
    form = PolicyPrediction(probabilities, "RulePolicy", policy_priority=6,
                            is_no_user_prediction=True)  # what RulePolicy predicts in a form
    safety = make(SafetyPolicy, tmp_path).predict_action_probabilities(tracker, DOMAIN)
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([form, safety])
    assert best.policy_name == "SafetyPolicy"


def test_takeover_keeps_the_assistant_quiet_but_not_in_a_crisis(tmp_path):
    taken = SlotSet("human_takeover", True)
    takeover = make(TakeoverPolicy, tmp_path)
    safety = make(SafetyPolicy, tmp_path)
    quiet = takeover.predict_action_probabilities(tracker_after("ask_takedown", taken), DOMAIN)
    assert predicted(quiet) == "action_listen"
    crisis = tracker_after("crisis_self_harm", taken)
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([
        takeover.predict_action_probabilities(crisis, DOMAIN),
        safety.predict_action_probabilities(crisis, DOMAIN)])
    assert best.policy_name == "SafetyPolicy"


def test_no_takeover_no_opinion(tmp_path):
    assert predicted(make(TakeoverPolicy, tmp_path).predict_action_probabilities(
        tracker_after("ask_takedown"), DOMAIN)) is None


def test_a_request_to_delete_data_is_never_held_back_by_a_takeover(tmp_path):
    taken = SlotSet("human_takeover", True)
    takeover = make(TakeoverPolicy, tmp_path)
    asking = tracker_after("delete_data", taken)
    assert predicted(takeover.predict_action_probabilities(asking, DOMAIN)) is None
    asking.update(ActionExecuted("utter_confirm_delete"))
    assert predicted(takeover.predict_action_probabilities(asking, DOMAIN)) is None
    answer = tracker_after("affirm", taken, ActionExecuted("action_listen"),
                           UserUttered("delete", {"name": "delete_data"}),
                           ActionExecuted("utter_confirm_delete"))
    assert predicted(takeover.predict_action_probabilities(answer, DOMAIN)) is None
    later = tracker_after("affirm", taken)
    assert predicted(takeover.predict_action_probabilities(later, DOMAIN)) == "action_listen"
