"""The schema rejects bad directory records, and reports every fault in one run."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from bot.directory import DirectoryError, load_directory
from bot.directory.records import COUNTRY_CODES
from bot.tools import validate_directory

SOURCE = {"source": ["https://example.org/page"], "verified": "2026-11"}


def minimal() -> Dict[str, Any]:
    """The smallest directory the schema accepts: one of each record."""
    return {
        "services": [
            {"id": "helpline", "name": "Helpline", "summary": "Helps.",
             "kinds": ["iia_helpline"], "eligibility": {"countries": ["GB"], "min_age": 18},
             "contact": {"phone": "0800 000 000", "web": "https://example.org"}, **SOURCE},
            {"id": "crisis", "name": "Crisis line", "summary": "Listens.",
             "kinds": ["crisis_line"], "eligibility": {"countries": ["GB"]},
             "contact": {"phone": "116 123"}, **SOURCE},
        ],
        "platforms": [
            {"id": "site", "name": "Site", "aliases": ["the site"], "steps": ["Report it."],
             "links": [{"label": "Form", "url": "https://example.org/report"}], **SOURCE},
        ],
        "jurisdictions": [
            {"id": "GB", "name": "UK", "aliases": ["uk"], "emergency": "999",
             "crisis_services": ["crisis"], **SOURCE},
            {"id": "OTHER", "name": "Elsewhere", "aliases": [], "emergency": "112",
             "crisis_services": [], **SOURCE},
        ],
        "laws": [
            {"id": "a_law", "jurisdictions": ["GB-ENG"], "title": "A law",
             "summary": "Something is a crime.", **SOURCE},
        ],
        "evidence": [{"id": "capture_url", "text": "Copy the URL.", **SOURCE}],
    }


def write(root: Path, docs: Dict[str, Any]) -> Path:
    for key, records in docs.items():
        (root / f"{key}.yml").write_text(yaml.safe_dump({key: records}, allow_unicode=True),
                                         encoding="utf-8")
    return root


def problems(tmp_path: Path, docs: Dict[str, Any]) -> str:
    with pytest.raises(DirectoryError) as exc:
        load_directory(write(tmp_path, docs))
    return "\n".join(exc.value.problems)


@pytest.fixture
def docs() -> Dict[str, Any]:
    return copy.deepcopy(minimal())


def test_minimal_directory_loads(tmp_path, docs):
    d = load_directory(write(tmp_path, docs))
    assert [s.id for s in d.services] == ["helpline", "crisis"]
    assert d.service("helpline").contact.phone == "0800 000 000"
    assert d.jurisdiction("OTHER").crisis_services == ()


def test_unknown_key_is_rejected(tmp_path, docs):
    docs["services"][0]["website"] = "https://example.org"
    assert "unknown key 'website'" in problems(tmp_path, docs)


def test_missing_required_key_is_rejected(tmp_path, docs):
    del docs["services"][0]["summary"]
    assert "missing 'summary'" in problems(tmp_path, docs)


@pytest.mark.parametrize("where", ["web", "source"])
def test_plain_http_url_is_rejected(tmp_path, docs, where):
    if where == "web":
        docs["services"][0]["contact"]["web"] = "http://example.org"
    else:
        docs["laws"][0]["source"] = ["http://example.org"]
    assert "not a valid https URL" in problems(tmp_path, docs)
    assert "'http://example.org'" in problems(tmp_path, docs)


def test_platform_link_must_be_https(tmp_path, docs):
    docs["platforms"][0]["links"][0]["url"] = "mailto:abuse@example.org"
    assert "links[0].url: not a valid https URL" in problems(tmp_path, docs)


@pytest.mark.parametrize("phone", ["0800 CALL NOW", "call 999", "12", "0800 000 000 ext 5"])
def test_bad_phone_is_rejected(tmp_path, docs, phone):
    docs["services"][0]["contact"]["phone"] = phone
    assert "not a valid phone number" in problems(tmp_path, docs)


def test_phone_written_as_a_yaml_number_is_rejected(tmp_path, docs):
    docs["services"][1]["contact"]["phone"] = 988  # unquoted in YAML: must be a string
    assert "not a valid phone number: 988" in problems(tmp_path, docs)


def test_bad_email_is_rejected(tmp_path, docs):
    docs["services"][0]["contact"]["email"] = "help at example.org"
    assert "not a valid email address" in problems(tmp_path, docs)


def test_future_month_is_rejected(tmp_path, docs):
    docs["services"][0]["verified"] = f"{dt.date.today().year + 1}-01"
    assert "date in the future" in problems(tmp_path, docs)


def test_future_day_in_the_current_month_is_rejected(tmp_path, docs):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    docs["services"][0]["verified"] = tomorrow.isoformat()
    assert "date in the future" in problems(tmp_path, docs)


def test_today_and_this_month_are_accepted(tmp_path, docs):
    today = dt.date.today()
    docs["services"][0]["verified"] = today.isoformat()
    docs["services"][1]["verified"] = today.isoformat()[:7]
    load_directory(write(tmp_path, docs))


@pytest.mark.parametrize("date", ["2025-13", "2025-02-30", "2025-00"])
def test_impossible_date_is_rejected(tmp_path, docs, date):
    docs["evidence"][0]["verified"] = date
    assert f"not a real date: {date}" in problems(tmp_path, docs)


def test_unverified_phone_needs_a_web_address(tmp_path, docs):
    del docs["services"][0]["contact"]["web"]
    docs["services"][0]["unverified"] = ["phone"]
    assert "an unverified phone number needs a web address" in problems(tmp_path, docs)


def test_unverified_phone_with_a_web_address_is_accepted(tmp_path, docs):
    docs["services"][0]["unverified"] = ["phone"]
    d = load_directory(write(tmp_path, docs))
    assert d.service("helpline").provenance.is_unverified("phone")


def test_fact_marked_unverified_must_be_given(tmp_path, docs):
    docs["services"][1]["unverified"] = ["email"]
    assert "'email' is marked unverified but not given" in problems(tmp_path, docs)


def test_unknown_unverified_fact_is_rejected(tmp_path, docs):
    docs["services"][0]["unverified"] = ["opening_times"]
    assert "unknown value 'opening_times'" in problems(tmp_path, docs)


def test_platform_email_unverified_must_be_given(tmp_path, docs):
    docs["platforms"][0]["unverified"] = ["email"]
    assert "'email' is marked unverified but not given" in problems(tmp_path, docs)


def test_platform_email_must_be_an_address(tmp_path, docs):
    docs["platforms"][0]["email"] = "https://example.org/abuse"
    assert "not a valid email address" in problems(tmp_path, docs)


def test_duplicate_ids_are_rejected(tmp_path, docs):
    docs["services"][1]["id"] = "helpline"
    assert "duplicate id 'helpline'" in problems(tmp_path, docs)


def test_unknown_crisis_service_is_rejected(tmp_path, docs):
    docs["jurisdictions"][0]["crisis_services"] = ["crisis", "samaritans"]
    assert "unknown crisis service 'samaritans'" in problems(tmp_path, docs)


def test_real_places_need_a_crisis_service(tmp_path, docs):
    docs["jurisdictions"][0]["crisis_services"] = []
    assert ("jurisdictions.yml:jurisdictions[0].crisis_services: expected a list with at "
            "least one item") in problems(tmp_path, docs)


def test_unknown_kind_country_and_jurisdiction_are_rejected(tmp_path, docs):
    docs["services"][0]["kinds"] = ["therapy"]
    docs["services"][0]["eligibility"]["countries"] = ["FR"]
    docs["jurisdictions"][0]["id"] = "UK"
    found = problems(tmp_path, docs)
    assert "unknown value 'therapy'" in found
    assert "unknown value 'FR'" in found
    assert "unknown jurisdiction 'UK'" in found
    assert "missing the 'GB' jurisdiction" in found


def test_service_without_any_contact_is_rejected(tmp_path, docs):
    docs["services"][0]["contact"] = {}
    assert "no way to reach the service" in problems(tmp_path, docs)


def test_min_age_above_max_age_is_rejected(tmp_path, docs):
    docs["services"][0]["eligibility"].update(min_age=18, max_age=17)
    assert "min_age is above max_age" in problems(tmp_path, docs)


def test_alias_used_by_two_platforms_is_rejected(tmp_path, docs):
    other = copy.deepcopy(docs["platforms"][0])
    other["id"] = "other_site"
    docs["platforms"].append(other)
    assert "alias 'the site' also used by site" in problems(tmp_path, docs)


def test_every_problem_is_reported_in_one_run(tmp_path, docs):
    docs["services"][0]["contact"]["web"] = "http://example.org"
    docs["laws"][0]["jurisdictions"] = ["EU"]
    docs["evidence"][0]["verified"] = "November 2026"
    found = problems(tmp_path, docs)
    assert "services.yml" in found and "laws.yml" in found and "evidence.yml" in found


def test_validate_tool_reports_counts(capsys):
    assert validate_directory.main([]) == 0
    out = capsys.readouterr().out
    assert "service directory OK" in out and "12 platforms" in out
    assert f"{len(COUNTRY_CODES)} jurisdictions" in out


def test_validate_tool_exits_1_with_the_problems(tmp_path, docs, capsys):
    docs["services"][0]["contact"]["phone"] = "call us"
    assert validate_directory.main([str(write(tmp_path, docs))]) == 1
    err = capsys.readouterr().err
    assert "1 problem(s)" in err and "not a valid phone number: 'call us'" in err


def test_uk_wide_law_applies_in_each_nation(tmp_path, docs):
    docs["laws"].append({"id": "uk_law", "jurisdictions": ["GB"], "title": "UK law",
                         "summary": "Something else is a crime.", **SOURCE})
    d = load_directory(write(tmp_path, docs))
    assert {law.id for law in d.laws_for("GB-SCT")} == {"uk_law"}
    assert {law.id for law in d.laws_for("GB-ENG")} == {"a_law", "uk_law"}
    assert {law.id for law in d.laws_for("IE")} == set()


# --- child safety, dates of law, takedown limits, silent calls (December 2026) -------------

@pytest.mark.parametrize("audience", ["all", "under_18"])
def test_a_step_for_children_or_everyone_may_not_handle_the_image(tmp_path, docs, audience):
    docs["evidence"][0].update(audience=audience, text="Take a screenshot of each post.")
    found = problems(tmp_path, docs)
    assert "evidence[0].text: advises handling the image ('screenshot')" in found


def test_an_adult_step_may_handle_the_image(tmp_path, docs):
    docs["evidence"][0].update(audience="adults", text="Take a screenshot of each post.")
    d = load_directory(write(tmp_path, docs))
    assert d.evidence_for(child_safe=True) == []
    assert [s.id for s in d.evidence_for(child_safe=False)] == ["capture_url"]


def test_a_prohibition_is_not_advice(tmp_path, docs):
    docs["evidence"][0]["text"] = "Do not screenshot, save or forward the image."
    load_directory(write(tmp_path, docs))


@pytest.mark.parametrize("where", ["service_note", "platform_step", "law", "police_note"])
def test_image_handling_is_rejected_outside_adult_evidence(tmp_path, docs, where):
    advice = "Save the image first."
    if where == "service_note":
        docs["services"][0]["note"] = advice
    elif where == "platform_step":
        docs["platforms"][0]["steps"] = [advice]
    elif where == "law":
        docs["laws"][0]["summary"] = advice
    else:
        docs["jurisdictions"][0]["police_notes"] = [advice]
    assert "advises handling the image ('Save')" in problems(tmp_path, docs)


def test_a_law_gives_its_in_force_date(tmp_path, docs):
    docs["laws"][0]["in_force"] = "2024-01-31"
    d = load_directory(write(tmp_path, docs))
    assert d.law("a_law").in_force == "2024-01-31"
    assert d.law("a_law").provenance.unverified == ()


def test_a_law_without_a_date_has_its_date_unverified(tmp_path, docs):
    d = load_directory(write(tmp_path, docs))
    assert d.law("a_law").in_force is None
    assert d.law("a_law").provenance.is_unverified("in_force")


@pytest.mark.parametrize("date", ["31 January 2024", "2024-02-30", "2024"])
def test_a_bad_in_force_date_is_rejected(tmp_path, docs, date):
    docs["laws"][0]["in_force"] = date
    assert "laws[0].in_force" in problems(tmp_path, docs)


def test_a_takedown_limit_names_real_services(tmp_path, docs):
    docs["laws"][0]["takedown"] = {"hours": 48, "after": "a valid request",
                                   "escalation": ["helpline", "regulator"]}
    assert "unknown escalation service 'regulator'" in problems(tmp_path, docs)
    docs["laws"][0]["takedown"]["escalation"] = ["helpline"]
    d = load_directory(write(tmp_path, docs))
    assert d.law("a_law").takedown.hours == 48


def test_a_takedown_clock_starts_with_a_report_unless_it_says_a_notice(tmp_path, docs):
    docs["laws"][0]["takedown"] = {"hours": 24, "after": "a regulator's notice",
                                   "started_by": "a letter"}
    assert "laws[0].takedown.started_by: expected one of report, notice" in problems(
        tmp_path, docs)
    docs["laws"][0]["takedown"]["started_by"] = "notice"
    docs["platforms"][0]["takedown"] = {"hours": 48, "after": "a report"}
    d = load_directory(write(tmp_path, docs))
    assert d.law("a_law").takedown.started_by == "notice"
    assert d.platforms[0].takedown.started_by == "report"


@pytest.mark.parametrize("hours", [0, -1, "48", True])
def test_a_takedown_limit_is_a_number_of_hours(tmp_path, docs, hours):
    docs["platforms"][0]["takedown"] = {"hours": hours, "after": "a report"}
    assert "not a number of hours" in problems(tmp_path, docs)


def test_a_platform_limit_applies_where_it_says(tmp_path, docs):
    docs["platforms"][0]["takedown"] = {"hours": 48, "after": "a report", "countries": ["US"]}
    docs["jurisdictions"].append({"id": "US", "name": "US", "aliases": ["usa"],
                                  "emergency": "911", "crisis_services": ["crisis"], **SOURCE})
    docs["services"][1]["eligibility"]["countries"] = ["GB", "US"]
    d = load_directory(write(tmp_path, docs))
    assert [r.id for r, _ in d.takedown_rules("US")] == ["site"]
    assert d.takedown_rules("GB") == []


def test_a_silent_call_is_a_field_and_may_be_unverified(tmp_path, docs):
    docs["jurisdictions"][0].update(silent_call="Dial 999 and press 55.",
                                    unverified=["silent_call"])
    d = load_directory(write(tmp_path, docs))
    assert d.jurisdiction("GB").silent_call == "Dial 999 and press 55."
    assert d.jurisdiction("GB").provenance.is_unverified("silent_call")
    del docs["jurisdictions"][0]["silent_call"]
    assert "'silent_call' is marked unverified but not given" in problems(tmp_path, docs)


def test_a_place_may_say_no_crisis_line_is_confirmed(tmp_path, docs):
    docs["jurisdictions"][0].update(crisis_services=[], unverified=["crisis_services"])
    d = load_directory(write(tmp_path, docs))
    assert d.jurisdiction("GB").crisis_services == ()


def test_two_places_may_not_share_an_alias(tmp_path, docs):
    docs["jurisdictions"][1]["aliases"] = ["uk"]
    assert "alias 'uk' also used by GB" in problems(tmp_path, docs)


def test_a_two_digit_emergency_number_is_accepted(tmp_path, docs):
    docs["jurisdictions"][0]["emergency"] = "15"
    assert load_directory(write(tmp_path, docs)).jurisdiction("GB").emergency == "15"
