"""How a case plan is said: at most three short messages, the buttons on the last.

Rasa's channels send a text with a blank line in it as two messages, so no message here
has one.

1. What to do now: a line of belief, then the plan's steps, numbered.
2. Notes, only when there are any: the line for under-18s when age is unknown, the country
   assumed, when the details were checked.
3. The one question, with its answers as buttons; or, with no question, the buttons for
   the longer answer and the other journeys.

Every number, link and point of law comes from the directory; a fact no source confirmed
is marked. Wording never suggests keeping, viewing or sending an image when the plan is
child-safe: `tests/actions/test_wording.py` renders every combination to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional

from actions.caseplan import (
    CHILD_REMOVAL, CHILD_REPORT, CHILDREN_LINE, COST, DO_NOT_PAY, DOMESTIC_ABUSE, ESCALATE,
    ESCALATION, EVIDENCE, FREE_SERVICES,
    HASH_ADULT, HASH_CHILD_IMAGE, HASHING, HELPLINE, KEEP_RECORD, LAW, LAW_INFO, LEGAL_ADVICE,
    LOCAL_LAW_UNKNOWN, NATIONAL_REMOVAL, PARENTS, PLATFORM, POLICE, POLICE_REPORT,
    CONTACT, REMOVAL_DEADLINE, REPORT_ON_SITE, SEARCH_REMOVAL, STORY, SUPPORT, SUPPORT_SERVICES, TAKEDOWN,
    TRUSTED_ADULT, Facts, Plan, Step)
from actions.replies import Reply
from bot.contract import ELSEWHERE
from bot.directory import Directory
from bot.directory.emergency import emergency_number
from bot.directory.describe import (
    UNVERIFIED, checked_footer, in_confidence, law_text, no_law_text, silent_call_text)
from bot.directory.records import Provenance, Service
from bot.registry import Button, Registry


@dataclass(frozen=True)
class Say:
    """What the wording needs besides the plan."""

    directory: Directory
    facts: Facts
    plan: Plan
    registry: Registry
    detail: bool = False        # the longer answer, from its "more" button
    facts_only: bool = False    # the person gave facts, not a story or a question

    def you(self, own: str, helper: str) -> str:
        """'you' wording for the person affected, 'they' wording for someone helping."""
        return helper if self.facts.helper else own

    def services(self, step: Step) -> List[Service]:
        """The directory entries a step names, in its order."""
        return [self.directory.service(s) for s in step.services]


# --- services, compactly ---------------------------------------------------------------

def _mark(text: str, provenance: Provenance, fact: str) -> str:
    return f"{text} {UNVERIFIED}" if provenance.is_unverified(fact) else text


def service_line(service: Service) -> str:
    """"Name: 0345 6000 459 (Mon–Fri 10:00–16:00), https://..." with unconfirmed facts
    marked and an unconfirmed number after the web address."""
    p, c = service.provenance, service.contact
    ways: List[str] = []
    if c.phone and not p.is_unverified("phone"):
        hours = (f" ({service.hours})" if service.hours and not p.is_unverified("hours")
                 else "")
        ways.append(f"{c.phone}{hours}")
    if c.text:
        ways.append(_mark(c.text, p, "text"))
    if c.web:
        ways.append(_mark(c.web, p, "web"))
    elif c.chat:
        ways.append(_mark(c.chat, p, "chat"))
    if c.email and not (c.phone or c.web or c.text):
        ways.append(_mark(c.email, p, "email"))
    if c.phone and p.is_unverified("phone"):
        ways.append(f"phone {c.phone} {UNVERIFIED}")
    return f"{service.name}: " + ", ".join(ways)


def _lines(services: List[Service]) -> str:
    return "\n".join(f"   {service_line(s)}" for s in services)


def _with(lead: str, services: List[Service]) -> str:
    return lead + ("\n" + _lines(services) if services else "")


# --- each kind of step -----------------------------------------------------------------

def _trusted_adult(say: Say, step: Step) -> str:
    text = ("Tell an adult you trust, like a parent, carer or teacher. You're not in "
            "trouble, and they can help you with all of this.")
    services = say.services(step)
    return _with(text + f" You can also talk to someone, {in_confidence(services)}:",
                 services) if services else text


def _child_removal(say: Say, step: Step) -> str:
    services = say.services(step)
    if say.facts.minor_now is False and not say.facts.helper:
        lead = ("Because you were under 18 in the images, use the children's service, "
                "even now you're an adult. It works on your own device, and nobody sees "
                "the images:")
    else:
        lead = say.you("Get them removed. These are for under-18s, and nobody needs to "
                       "see the images:",
                       "Get them removed, without waiting for anyone:")
    text = _with(lead, services)
    for step_id in step.evidence:  # for someone helping: the young person does it
        text += f"\n   {say.directory.evidence_step(step_id).text}"
    return text


def _children_line(say: Say, step: Step) -> str:
    services = say.services(step)
    return _with(f"Talk to someone, {in_confidence(services)}:", services)


def _child_report(say: Say, step: Step) -> str:
    return _with(say.you("You can also report it to child protection:",
                         "You can report it to child protection:"), say.services(step))


def _parents(say: Say, step: Step) -> str:
    return _with("Help for you, as the adult supporting them:", say.services(step))


def _helpline(say: Say, step: Step) -> str:
    return _with(say.you("Get expert help, including getting images removed:",
                         "Expert help, including getting images removed:"),
                 say.services(step))


def _national_removal(say: Say, step: Step) -> str:
    return _with("Report it to the service that can get it removed where you live:",
                 say.services(step))


def _hash_adult(say: Say, step: Step) -> str:
    text = _with(say.you(
        "Stop it spreading: StopNCII makes a digital fingerprint of the image on your own "
        "device, so partner sites block copies. The image never leaves your device:",
        "Stop it spreading: StopNCII makes a digital fingerprint of the image on their own "
        "device, so partner sites block copies. The image never leaves their device:"),
        say.services(step))
    if say.facts.child_in_image is None:
        text += say.you("\n   If you were under 18 in the images, use Take It Down instead.",
                        "\n   If they were under 18 in the images, use Take It Down instead.")
    if say.detail:
        partners = ", ".join(p.name for p in say.directory.stopncii_partners())
        text += f"\n   Sites that use its fingerprints include {partners}."
    return text


def _hash_child_image(say: Say, step: Step) -> str:
    lead = ("If anyone in the images was under 18: Take It Down fingerprints them on the "
            "device, so sites can block copies, and nobody sees them:"
            if say.facts.child_in_image is None else
            say.you("Stop it spreading: Take It Down fingerprints the images on your own "
                    "device, so sites can block copies, and nobody sees them:",
                    "Stop it spreading: Take It Down fingerprints the images on their own "
                    "device, so sites can block copies, and nobody sees them:"))
    return _with(lead, say.services(step))


def _platform(say: Say, step: Step) -> str:
    parts = [_one_platform(say, pid) for pid in step.platforms]
    return "\n".join(p for p in parts if p)


def _one_platform(say: Say, platform_id: str) -> str:
    platform = say.directory.platform(platform_id)
    if platform is None:
        return ""
    p = platform.provenance
    steps = " ".join(platform.steps if say.detail else platform.steps[:1])
    lines = [f"Report it to {platform.name}: {_mark(steps, p, 'steps')}"]
    links = platform.links if say.detail else platform.links[:1]
    lines += [f"   {_mark(f'{link.label}: {link.url}', p, 'links')}" for link in links]
    if not platform.links and platform.email:
        lines.append(f"   {_mark(f'Email: {platform.email}', p, 'email')}")
    return "\n".join(lines)


def _report_on_site(say: Say, step: Step) -> str:
    return ("Report each post or profile on the site where it is, using its option for "
            "intimate or non-consensual images, and keep any reference number you get.")


def _search_removal(say: Say, step: Step) -> str:
    google = say.directory.platform(step.platforms[0] if step.platforms else "")
    if google is None:
        return ""
    links = google.links if say.detail else google.links[:1]
    return "You can also ask search engines to hide it from their results:\n" + "\n".join(
        f"   {_mark(f'{link.label}: {link.url}', google.provenance, 'links')}"
        for link in links)


def _keep_record(say: Say, step: Step) -> str:
    steps = [s for s in say.directory.evidence if s.id in step.evidence]
    if say.plan.topic == EVIDENCE:
        return "\n".join(f"• {s.text}" for s in steps)
    if say.detail:
        return "Keep a record:\n" + "\n".join(f"   • {s.text}" for s in steps)
    if say.plan.child_safe:
        return ("Keep a record without keeping the images: copy the link to each post, and "
                "note the date, time and username. Never screenshot, save or send on the "
                "images.")
    return ("Keep a record before anything is removed: screenshot each post with its web "
            "address showing, copy the link, and note the date and username.")


def _do_not_pay(say: Say, step: Step) -> str:
    text = say.you(
        "Don't pay and don't reply. Paying rarely stops it, and they often ask for more. "
        "Don't send anything else. Keep the messages, then block and report the account.",
        "They shouldn't pay or reply. Paying rarely stops it, and they often ask for more. "
        "Keep the messages, then block and report the account.")
    if say.detail:
        text += "\n" + "\n".join(f"   • {s.text}" for s in say.directory.evidence
                                 if s.id in step.evidence)
    return text


def _police(say: Say, step: Step) -> str:
    place = say.directory.jurisdiction(say.plan.country)
    number = emergency_number(say.directory, say.plan.country)
    if say.plan.country == ELSEWHERE:
        return (f"You can report it to your local police. In an emergency, call {number}.")
    text = f"You can report it to the police: call {number} in an emergency"
    text += (f", or {place.police_non_emergency} when it's not an emergency."
             if place.police_non_emergency else ", or contact your local police.")
    notes = list(place.police_notes) if say.detail or say.plan.topic == POLICE else []
    silent = silent_call_text(place)
    if silent and (say.detail or say.plan.topic == POLICE):
        notes.append(silent)
    return text + "".join(f"\n   {n}" for n in notes)


def _law(say: Say, step: Step) -> str:
    laws = [law for law in say.directory.laws if law.id in step.laws]
    if say.detail or say.plan.topic == LAW:
        return "\n".join(law_text(law) for law in laws) + (
            "\nThis is general information, not legal advice.")
    titles = "\n".join(f"   {law.title}" for law in laws)
    return f"The law where you live covers this:\n{titles}"


def _local_law_unknown(say: Say, step: Step) -> str:
    place = say.directory.jurisdiction(say.plan.country)
    return (f"{no_law_text(place)} StopNCII and Take It Down work from anywhere, and every "
            "platform takes reports.")


def _removal_deadline(say: Say, step: Step) -> str:
    law = say.directory.law(step.laws[0])
    takedown = law.takedown
    if takedown is None:
        return ""
    text = (f"Under the law where you live ({law.title}), platforms must remove it within "
            f"{takedown.hours} hours of {takedown.after}.")
    escalation = say.services(step)
    if escalation:
        text += "\n   If they don't:\n" + _lines(escalation)
    return text


def _free_services(say: Say, step: Step) -> str:
    services = say.services(step)
    if not services:
        return ("I can't tell you for sure what each service costs where you are; each "
                "one's website says.")
    return _with("These are free to use:", services)


def _escalation(say: Say, step: Step) -> str:
    return _with("When a platform has turned a report down, you can take it further:",
                 say.services(step))


def _legal_advice(say: Say, step: Step) -> str:
    return _with("For advice about your own situation:", say.services(step))


def _support(say: Say, step: Step) -> str:
    shown = say.services(step)[:None if say.detail else 5]
    free = "are free, and " if all(s.free for s in shown) else ""
    return _with(say.you(f"These {free}understand what you're going through:",
                         f"These {free}understand what's happening:"), shown)


def _domestic_abuse(say: Say, step: Step) -> str:
    return _with("Because it's a partner or ex, domestic abuse services can help too:",
                 say.services(step))


STEP_WORDS: Dict[str, Callable[[Say, Step], str]] = {
    TRUSTED_ADULT: _trusted_adult, CHILD_REMOVAL: _child_removal,
    CHILDREN_LINE: _children_line, CHILD_REPORT: _child_report, PARENTS: _parents,
    HELPLINE: _helpline, NATIONAL_REMOVAL: _national_removal, HASH_ADULT: _hash_adult,
    HASH_CHILD_IMAGE: _hash_child_image, PLATFORM: _platform,
    REPORT_ON_SITE: _report_on_site, SEARCH_REMOVAL: _search_removal,
    KEEP_RECORD: _keep_record, DO_NOT_PAY: _do_not_pay, POLICE_REPORT: _police,
    LAW_INFO: _law, LOCAL_LAW_UNKNOWN: _local_law_unknown, LEGAL_ADVICE: _legal_advice,
    SUPPORT_SERVICES: _support, DOMESTIC_ABUSE: _domestic_abuse,
    REMOVAL_DEADLINE: _removal_deadline, ESCALATION: _escalation,
    FREE_SERVICES: _free_services,
}


# --- the reply -----------------------------------------------------------------------

def lead(say: Say) -> str:
    """The first line: belief for a story, the subject for a question."""
    f, topic = say.facts, say.plan.topic
    if topic == STORY and say.facts_only:
        return "Thank you, that helps. Here's what to do, for you:" if not f.helper else \
            "Thank you, that helps. Here's what to do, for them:"
    if topic == STORY:
        if f.threatened:
            return say.you(
                "I'm so sorry. This is not your fault, you're not in trouble, and you don't "
                "have to do what they say. Here's what to do now:",
                "I'm so sorry this is happening to them. It is not their fault, and they "
                "don't have to do what the person says. Here's what to do now:")
        return say.you(
            "I'm so sorry this has happened. It is not your fault, and there is a lot you "
            "can do. Here's where to start:",
            "I'm sorry this is happening to them. It is not their fault, and it's good they "
            "have you. Here's where to start:")
    place = say.directory.jurisdiction(say.plan.country).name
    return {
        EVIDENCE: "Here's what to keep. It helps with getting images removed and with the "
                  "police, and you can do it at your own pace:",
        TAKEDOWN: "Here's how to get it taken down:",
        COST: "Reporting to a platform costs nothing, and neither does talking to me.",
        ESCALATE: "I'm sorry they turned it down. That happens, and it isn't the end: "
                  "others can take it further.",
        HASHING: "A hash is a digital fingerprint of an image, made on your own device. "
                 "Partner sites use it to block copies, without anyone seeing the image.",
        POLICE: "You can report this to the police. It's your choice, and you don't need "
                "to know which law it falls under.",
        LAW: f"Here's what the law says in {place}. This is information, not legal advice.",
        SUPPORT: "You don't have to go through this alone.",
        CONTACT: say.you("You don't have to reply or do anything they say:",
                         "They don't have to reply or do anything the person says:"),
    }[topic]


def steps_text(say: Say) -> str:
    """The plan's steps as words: numbered when more than one."""
    words = [STEP_WORDS[step.kind](say, step) for step in say.plan.steps]
    words = [w for w in words if w]
    if len(words) == 1:
        return words[0]
    return "\n".join(f"{i}. {w}" for i, w in enumerate(words, 1))


def notes(say: Say) -> Optional[str]:
    """The second message: under-18 routes, other places, domestic abuse services, the country
    assumed and when details were checked; None when there are none."""
    lines: List[str] = []
    plan = say.plan
    if plan.under_18_services:
        services = [say.directory.service(s) for s in plan.under_18_services]
        lines.append(say.you("If you're under 18, these are the right places instead:",
                             "If they're under 18, these are the right places instead:")
                     + "\n" + _lines(services))
    for code, ids in plan.elsewhere:
        place = say.directory.jurisdiction(code).name
        lines.append(f"If you're in {_the(place)}:\n" + _lines(
            [say.directory.service(s) for s in ids]))
    if plan.domestic_abuse:
        lines.append(say.you("Because it's a partner or ex, domestic abuse services can "
                             "help too:", "Because it's their partner or ex, domestic abuse "
                             "services can help too:") + "\n" + _lines(
            [say.directory.service(s) for s in plan.domestic_abuse]))
    if plan.country_assumed and plan.topic not in (EVIDENCE,):
        home = say.directory.jurisdiction(plan.country).name
        lines.append(f"I've given you what applies in {_the(home)}. Tell me if you live "
                     "somewhere else and I'll give you the local services.")
    shown = [say.directory.service(s) for s in plan.services]
    footer = checked_footer(s.provenance for s in shown)
    if footer:
        lines.append(footer)
    # One message: Rasa's channels split a text at blank lines into separate messages.
    return "\n".join(lines) or None


def _the(place: str) -> str:
    return f"the {place}" if place in ("United Kingdom", "United States") else place


def render(say: Say, leave_out: str = "") -> Reply:
    """The reply for a plan: at most three messages, buttons on the last."""
    reply = Reply(route="", services=say.plan.services,
                  platforms=[p for s in say.plan.steps for p in s.platforms])
    reply.say(f"{lead(say)}\n{steps_text(say)}")
    reply.say(notes(say))
    question = say.registry.questions.get(say.plan.question or "")
    if question is not None:
        reply.say(question.helper_text if say.facts.helper and question.helper_text
                  else question.text)
        reply.buttons = [b.as_dict() for b in question.options]
    else:
        reply.buttons = [b.as_dict() for b in next_buttons(say.registry, leave_out,
                                                           say.detail)]
    return reply


def next_buttons(registry: Registry, journey: str, detail: bool) -> List[Button]:
    """After an answer: its longer version (unless shown), then the rest of the menu."""
    buttons: List[Button] = []
    current = next((j for j in registry.journeys if j.name == journey), None)
    if current and current.detail_button and not detail:
        buttons.append(current.detail_button)
    return buttons + registry.menu_buttons(journey)

