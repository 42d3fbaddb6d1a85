"""The real directory data: it loads, it says only what the fact sheet and the December 2026
check (checks.md) found, it marks what no primary source confirmed, and the queries and the
renderer serve the right people."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Iterator, Set

import pytest

from bot.directory import ADULT, UNDER_18, Directory, DirectoryError, Person, load_directory
from bot.directory import describe as render
from bot.directory.records import COUNTRY_CODES, SERVICE_KINDS, UK_NATIONS

DIRECTORY = Path(__file__).resolve().parents[2] / "data" / "directory"
FACT_SHEET = Path(os.environ.get("FACT_SHEET", DIRECTORY / "factsheet.md"))
# The log of what the December 2026 check of primary sources found, beside the data.
CHECKS = DIRECTORY / "checks.md"


@pytest.fixture(scope="module")
def d() -> Directory:
    return load_directory()


@pytest.fixture(scope="module")
def sheet() -> str:
    """Everything a fact may come from: the fact sheet and the December check's log."""
    if not FACT_SHEET.exists():
        pytest.skip(f"fact sheet not found at {FACT_SHEET} (set FACT_SHEET)")
    return FACT_SHEET.read_text(encoding="utf-8") + "\n" + CHECKS.read_text(encoding="utf-8")


def ids(services) -> Set[str]:
    return {s.id for s in services}


def everyone(d: Directory, **person) -> Set[str]:
    return ids(d.find(SERVICE_KINDS, Person(**person)))


def all_records(d: Directory) -> Iterator:
    yield from d.services
    yield from d.platforms
    yield from d.jurisdictions
    yield from d.laws
    yield from d.evidence


# --- the data loads and is complete ---------------------------------------------------------

def test_directory_holds_every_group(d):
    assert len(d.services) >= 30
    assert {p.id for p in d.platforms} == {
        "google", "meta", "x", "tiktok", "reddit", "snapchat", "youtube", "discord",
        "telegram", "aylo", "onlyfans", "bing"}
    assert [j.id for j in d.jurisdictions] == list(COUNTRY_CODES)
    assert {law.id for law in d.laws} == {
        "ew_s66b_sharing", "ew_s66e_creating", "ew_s66f_requesting",
        "ew_crime_and_policing_act_2026", "uk_48_hour_removal", "scotland_s2", "ni_s51",
        "ie_cocos_law", "us_take_it_down_act", "us_15_usc_6851", "au_sharing_sexual_material",
        "au_image_based_abuse_scheme", "ca_s162_1", "ca_bill_c16", "nz_hdca_s22a",
        "za_cybercrimes_s16", "eu_directive_2024_1385"}
    assert [e.id for e in d.evidence] == [
        "safety_first", "capture_url", "capture_url_under_18", "record_poster", "record_dates",
        "keep_messages", "police_before_takedown", "remove_without_waiting",
        "keep_log", "store_securely", "do_not_engage", "never_forward", "hashing_on_device",
        "hashing_helper"]


def test_every_record_is_sourced_and_dated_by_a_check(d):
    """Checked for the November fact sheet, or again on 4 December 2026 (checks.md)."""
    for record in all_records(d):
        assert record.provenance.verified in ("2026-11", "2026-12-04"), record.id
        assert record.provenance.source, record.id
        assert all(s.startswith(("https://", "factsheet.md#")) for s in record.provenance.source)


def test_summaries_are_one_sentence(d):
    for s in d.services:
        assert not re.search(r"[.!?]\s+\S", s.summary), s.id


# --- nothing is invented: every number, address and source comes from the fact sheet ------

def _sheet_numbers(sheet: str) -> Set[str]:
    return {re.sub(r"\D", "", m) for m in re.findall(r"\+?\d[\d -]*\d", sheet)}


def _in_sheet(url: str, sheet: str) -> bool:
    rest = re.sub(r"^https://(www\.)?", "", url).rstrip("/").lower()
    return rest in sheet.lower()


def test_every_phone_number_is_in_the_fact_sheet_or_the_check(d, sheet):
    numbers = _sheet_numbers(sheet)
    phones = [(s.id, s.contact.phone) for s in d.services if s.contact.phone]
    phones += [(j.id, j.emergency) for j in d.jurisdictions]
    phones += [(j.id, j.police_non_emergency) for j in d.jurisdictions if j.police_non_emergency]
    for where, phone in phones:
        assert re.sub(r"\D", "", phone) in numbers, (where, phone)


def test_every_email_is_in_the_fact_sheet_or_the_check(d, sheet):
    emails = [s.contact.email for s in d.services if s.contact.email]
    emails += [p.email for p in d.platforms if p.email]
    assert emails
    for email in emails:
        assert email in sheet, email


def test_every_address_and_source_is_in_the_fact_sheet_or_the_check(d, sheet):
    urls = [u for s in d.services for u in (s.contact.web, s.contact.chat) if u]
    urls += [link.url for p in d.platforms for link in p.links]
    urls += [u for record in all_records(d) for u in record.provenance.source
             if u.startswith("https://")]
    for url in urls:
        assert _in_sheet(url, sheet), url


def test_text_lines_match_the_fact_sheet(d):
    assert d.service("shout").contact.text == "Text SHOUT to 85258"
    assert d.service("lifeline_988").contact.text == "Text 988"
    assert d.service("lifeline_au").contact.text == "Text 0477 13 11 14"
    assert d.service("pieta").contact.text == "Text HELP to 51444"


# --- every fact the fact sheet could not confirm is marked --------------------------------

def test_mens_advice_line_hours_unconfirmed_and_number_dated(d):
    mal = d.service("mens_advice_line")
    assert mal.provenance.is_unverified("hours") and mal.hours is None
    assert "2010" in mal.note


def test_numbers_the_fact_sheet_could_not_confirm_are_left_out(d):
    for sid in ("rape_crisis_ew", "the_mix"):
        service = d.service(sid)
        assert service.contact.phone is None, sid
        assert service.contact.web, sid  # where to find the number instead
        assert "not confirmed" in service.note, sid


def test_secondary_source_phone_is_unverified(d):
    ccri = d.service("ccri_helpline")
    assert ccri.contact.phone == "844-878-2274" and ccri.provenance.is_unverified("phone")


def test_unconfirmed_hours_and_coverage_are_marked(d):
    assert d.service("galop").provenance.is_unverified("hours")
    assert d.service("galop").hours is None
    # Rape Crisis Scotland's hours come from a 2020 page of its own site: given, and marked.
    rcs = d.service("rape_crisis_scotland")
    assert rcs.hours == "Every day, 6pm to midnight" and rcs.provenance.is_unverified("hours")
    ndah = d.service("national_da_helpline")
    assert ndah.provenance.is_unverified("eligibility")
    assert ndah.eligibility.countries == ("GB-ENG",)


def test_platform_facts_the_fact_sheet_could_not_confirm(d):
    telegram = d.platform("telegram")
    assert telegram.email == "abuse@telegram.org"
    assert telegram.provenance.unverified == ("email",)
    bing = d.platform("bing")
    assert [link.url for link in bing.links] == [
        "https://www.microsoft.com/en-us/concern/revengeporn"]
    assert bing.provenance.is_unverified("links")


def test_laws_not_confirmed_in_force_are_marked(d):
    laws = {law.id: law for law in d.laws}
    for lid in ("ew_s66e_creating", "ew_s66f_requesting"):
        assert laws[lid].in_force == "2026-02-06", lid
        assert laws[lid].provenance.unverified == ("in_force",), lid
    for lid in ("ew_crime_and_policing_act_2026", "uk_48_hour_removal", "ca_bill_c16",
                "za_cybercrimes_s16"):
        assert laws[lid].provenance.is_unverified("summary"), lid
    for lid in ("ni_s51", "au_image_based_abuse_scheme", "uk_48_hour_removal", "ca_bill_c16"):
        assert laws[lid].in_force is None and laws[lid].provenance.is_unverified("in_force")
    for lid in ("ew_s66b_sharing", "scotland_s2", "ie_cocos_law", "us_take_it_down_act",
                "au_sharing_sexual_material", "nz_hdca_s22a", "eu_directive_2024_1385"):
        assert laws[lid].in_force and laws[lid].provenance.unverified == (), lid


def test_emergency_numbers_without_a_primary_source_are_marked(d):
    for code in ("IN", "PK", "NG", "PH", "KE", "OTHER"):
        assert d.jurisdiction(code).provenance.is_unverified("emergency"), code
    assert any("local emergency number" in note for note in d.jurisdiction("OTHER").police_notes)
    for code in ("GB", "GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR", "IE", "US", "AU", "CA", "NZ",
                 "ZA"):
        assert not d.jurisdiction(code).provenance.is_unverified("emergency"), code


def test_only_the_marked_facts_are_unverified(d):
    marked = {(r.id, fact) for r in all_records(d) for fact in r.provenance.unverified}
    assert marked == {
        ("mens_advice_line", "hours"), ("rape_crisis_scotland", "hours"), ("galop", "hours"),
        ("national_da_helpline", "eligibility"), ("ccri_helpline", "phone"),
        ("pieta", "phone"), ("pieta", "text"), ("pieta", "web"), ("pieta", "hours"),
        ("ftc", "summary"), ("ftc", "web"),
        ("youthline", "hours"), ("youthline", "eligibility"),
        ("telegram", "email"), ("bing", "links"), ("tiktok", "links"),
        ("ew_s66e_creating", "in_force"), ("ew_s66f_requesting", "in_force"),
        ("ew_crime_and_policing_act_2026", "summary"),
        ("ew_crime_and_policing_act_2026", "in_force"),
        ("uk_48_hour_removal", "summary"), ("uk_48_hour_removal", "in_force"),
        ("uk_48_hour_removal", "takedown"),
        ("ni_s51", "in_force"), ("us_15_usc_6851", "in_force"),
        ("au_image_based_abuse_scheme", "in_force"), ("ca_s162_1", "in_force"),
        ("ca_bill_c16", "summary"), ("ca_bill_c16", "in_force"),
        ("za_cybercrimes_s16", "summary"), ("za_cybercrimes_s16", "in_force"),
        ("GB-SCT", "silent_call"),
        ("IN", "emergency"), ("IN", "crisis_services"),
        ("PK", "emergency"), ("PK", "police_notes"), ("PK", "crisis_services"),
        ("NG", "emergency"), ("NG", "police_notes"), ("NG", "crisis_services"),
        ("PH", "emergency"), ("PH", "police_notes"),
        ("KE", "emergency"), ("KE", "police_notes"), ("KE", "crisis_services"),
        ("OTHER", "emergency"),
    }


# --- who gets which service -----------------------------------------------------------------

def test_under_18_in_scotland(d):
    found = everyone(d, country="GB-SCT", age_group=UNDER_18)
    assert {"childline", "report_remove", "shout", "scotland_da_fm_helpline"} <= found
    assert not {"stopncii", "revenge_porn_helpline", "victim_support", "esafety"} & found


def test_adult_in_the_us(d):
    found = everyone(d, country="US", age_group=ADULT)
    assert {"ccri_helpline", "stopncii", "lifeline_988", "take_it_down"} <= found
    assert not {"childline", "report_remove", "revenge_porn_helpline", "samaritans"} & found


def test_anywhere_else_gets_only_worldwide_services(d):
    found = d.find(SERVICE_KINDS, Person(country="OTHER"))
    assert ids(found) == {"stopncii", "take_it_down"}
    assert all(s.eligibility.countries == ("*",) for s in found)
    assert ids(d.find(SERVICE_KINDS, Person(country="OTHER", age=15))) == {"take_it_down"}


def test_age_limits_at_the_edges(d):
    # Childline is for anyone up to their 19th birthday (NSPCC: "up to the age of 19").
    assert "childline" in everyone(d, country="GB-ENG", age=18)
    assert "childline" not in everyone(d, country="GB-ENG", age=19)
    assert "report_remove" not in everyone(d, country="GB-ENG", age=18)
    assert "the_mix" in everyone(d, country="GB-WLS", age=24)
    assert "the_mix" not in everyone(d, country="GB-WLS", age=25)
    assert "kids_helpline" in everyone(d, country="AU", age=25)
    assert "kids_helpline" not in everyone(d, country="AU", age=26)
    assert "kids_helpline" not in everyone(d, country="AU", age=4)
    assert "youthline" in everyone(d, country="NZ", age=12)
    assert "youthline" not in everyone(d, country="NZ", age=25)
    assert "rape_crisis_ew" not in everyone(d, country="GB-ENG", age=15)
    assert "report_harmful_content" not in everyone(d, country="GB-NIR", age=12)


def test_nation_specific_services(d):
    assert "rape_crisis_ew" not in everyone(d, country="GB-SCT")
    assert "rape_crisis_scotland" not in everyone(d, country="GB-ENG")
    assert "ni_dsa_helpline" in everyone(d, country="GB-NIR")
    # Nation unknown: show the nations' services; the renderer names the area.
    assert {"rape_crisis_ew", "rape_crisis_scotland"} <= everyone(d, country="GB")
    assert everyone(d) == everyone(d, country="GB")  # unknown country means the UK


def test_ireland_gets_irish_and_shared_services(d):
    found = everyone(d, country="IE", age_group=ADULT)
    assert {"hotline_ie", "womens_aid_ie", "samaritans", "stopncii"} <= found
    assert "shout" not in found


def test_find_by_kind(d):
    assert [s.id for s in d.find(["hashing_adult"], Person(age_group=ADULT))] == ["stopncii"]
    assert d.find(["hashing_adult"], Person(age_group=UNDER_18)) == []
    assert ids(d.find(["crisis_line"], Person(country="AU"))) == {"lifeline_au"}


# --- places, laws and platforms ---------------------------------------------------------

def test_emergency_numbers(d):
    assert {code: d.jurisdiction(code).emergency for code in COUNTRY_CODES} == {
        "GB-ENG": "999", "GB-WLS": "999", "GB-SCT": "999", "GB-NIR": "999", "GB": "999",
        "IE": "112", "US": "911", "AU": "000", "CA": "911", "NZ": "111", "IN": "112",
        "PK": "15", "NG": "112", "ZA": "10111", "PH": "911", "KE": "999", "OTHER": "112"}
    for code in UK_NATIONS + ("GB",):
        assert d.jurisdiction(code).police_non_emergency == "101"
    assert d.jurisdiction("AU").police_non_emergency == "131 444"
    assert d.jurisdiction("NZ").police_non_emergency == "105"


def test_the_silent_999_call_is_a_fact_of_every_uk_place(d):
    """Press 55 works across the UK, not only in Northern Ireland, and is its own field."""
    for code in UK_NATIONS + ("GB",):
        place = d.jurisdiction(code)
        assert "999" in place.silent_call and "press 55" in place.silent_call, code
        assert not any("55" in note for note in place.police_notes), code
    assert {j.id for j in d.jurisdictions if j.silent_call} == set(UK_NATIONS + ("GB",))
    # Only Scotland's is unconfirmed: no Police Scotland page was found.
    assert [j.id for j in d.jurisdictions if j.provenance.is_unverified("silent_call")] == [
        "GB-SCT"]
    assert d.jurisdiction(None).id == "GB"
    assert d.jurisdiction("FR").id == "OTHER"


def test_crisis_services_are_crisis_lines_that_serve_the_place(d):
    for place in d.jurisdictions:
        for sid in place.crisis_services:
            service = d.service(sid)
            assert "crisis_line" in service.kinds, (place.id, sid)
            assert d.eligible(service, Person(country=place.id)), (place.id, sid)
    assert d.jurisdiction("GB-SCT").crisis_services == ("samaritans", "shout")
    assert d.jurisdiction("IE").crisis_services == ("samaritans", "pieta")
    assert d.jurisdiction("US").crisis_services == ("lifeline_988",)
    assert d.jurisdiction("AU").crisis_services == ("lifeline_au",)
    assert d.jurisdiction("CA").crisis_services == ("crisis_988_ca",)
    assert d.jurisdiction("NZ").crisis_services == ("need_to_talk_1737",)
    assert d.jurisdiction("ZA").crisis_services == ("sadag_suicide_line",)
    assert d.jurisdiction("PH").crisis_services == ("ncmh_crisis_hotline",)
    assert d.jurisdiction("OTHER").crisis_services == ()
    # Where no crisis line is confirmed, the place says so rather than naming none silently.
    for code in ("IN", "PK", "NG", "KE"):
        place = d.jurisdiction(code)
        assert place.crisis_services == () and place.provenance.is_unverified("crisis_services")


def test_jurisdiction_aliases_are_unique_and_lower_case(d):
    seen = {}
    for place in d.jurisdictions:
        for alias in place.aliases:
            assert alias == alias.lower()
            assert alias not in seen, (alias, place.id, seen.get(alias))
            seen[alias] = place.id


def test_laws_for_each_place(d):
    def law_ids(code):
        return {law.id for law in d.laws_for(code)}
    uk_wide = {"uk_48_hour_removal"}
    assert law_ids("GB-SCT") == {"scotland_s2"} | uk_wide
    assert law_ids("GB-NIR") == {"ni_s51"} | uk_wide
    assert law_ids("GB-WLS") == {"ew_s66b_sharing", "ew_s66e_creating", "ew_s66f_requesting",
                                 "ew_crime_and_policing_act_2026"} | uk_wide
    assert law_ids("GB") == law_ids("GB-ENG") | {"scotland_s2", "ni_s51"}
    assert law_ids(None) == law_ids("GB")
    assert law_ids("IE") == {"ie_cocos_law", "eu_directive_2024_1385"}
    assert law_ids("US") == {"us_take_it_down_act", "us_15_usc_6851"}
    assert law_ids("AU") == {"au_sharing_sexual_material", "au_image_based_abuse_scheme"}
    assert law_ids("CA") == {"ca_s162_1", "ca_bill_c16"}
    assert law_ids("NZ") == {"nz_hdca_s22a"}
    assert law_ids("ZA") == {"za_cybercrimes_s16"}
    assert law_ids("OTHER") == {"eu_directive_2024_1385"}
    for code in ("IN", "PK", "NG", "PH", "KE"):
        assert law_ids(code) == set(), code


def test_no_law_presents_the_defiance_act_as_law(d):
    mentions = [law for law in d.laws if "DEFIANCE" in law.summary + law.title]
    assert [law.id for law in mentions] == ["us_15_usc_6851"]
    assert "was not law" in mentions[0].summary


def test_removal_time_limits_and_where_to_escalate(d):
    rules = {(record.id, t.hours, t.escalation) for record, t in d.takedown_rules("US")}
    assert rules == {("us_take_it_down_act", 48, ("ftc",)), ("x", 48, ("ftc",))}
    assert d.takedown_rules("AU")[0][1].hours == 24
    assert d.takedown_rules("AU")[0][1].escalation == ("esafety",)
    # eSafety's notice starts Australia's clock, not the person's report to the platform.
    assert d.takedown_rules("AU")[0][1].started_by == "notice"
    assert {t.started_by for _, t in d.takedown_rules("US")} == {"report"}
    assert {r.id for r, _ in d.takedown_rules("GB-ENG")} == {"uk_48_hour_removal"}
    assert d.takedown_rules("GB-ENG")[0][1].escalation == ("revenge_porn_helpline", "report_remove")
    # X's 48 hours is the US law's: it does not apply elsewhere.
    assert "x" not in {r.id for r, _ in d.takedown_rules("IE")}
    assert d.law("us_take_it_down_act").takedown.applies_from == "2026-05-19"


@pytest.mark.parametrize("typed, platform", [
    ("Instagram", "meta"), ("insta", "meta"), (" IG ", "meta"), ("facebook", "meta"),
    ("FB", "meta"), ("messenger", "meta"), ("threads app", "meta"), ("twitter", "x"), ("X", "x"),
    ("pornhub", "aylo"), ("ph", "aylo"), ("yt", "youtube"), ("snap", "snapchat"),
    ("google images", "google"), ("google", "google"), ("tik tok", "tiktok"),
    ("only fans", "onlyfans"), ("microsoft", "bing"), ("tg", "telegram"),
])
def test_platform_lookup_by_alias(d, typed, platform):
    assert d.platform(typed).id == platform


def test_unknown_platform_is_none(d):
    assert d.platform("myspace") is None


def test_stopncii_partners(d):
    assert {p.id for p in d.platforms if p.stopncii_partner} == {
        "meta", "tiktok", "reddit", "snapchat", "onlyfans", "aylo", "bing"}
    names = " ".join(p.name for p in d.stopncii_partners())
    assert "Threads" in names and "Messenger" not in names  # no partner list names Messenger


def test_platform_links_say_where_they_apply(d):
    x = d.platform("x")
    assert [link.label for link in x.links] == ["X: US Take It Down Act form (United States only)"]
    assert any("Elsewhere, report in the app" in step for step in x.steps)
    tiktok = d.platform("tiktok")
    assert [link.url for link in tiktok.links] == [
        "https://support.tiktok.com/en/safety-hc/report-a-problem/report-sexual-abuse"]


# --- the renderer ---------------------------------------------------------------------------

def test_unverified_phone_comes_after_the_web_address_and_is_marked(d):
    text = render.service_text(d.service("ccri_helpline"))
    assert "Call 844" not in text
    assert text.index("https://cybercivilrights.org") < text.index("844-878-2274")
    assert f"Phone 844-878-2274 {render.UNVERIFIED}" in text


def test_verified_service_shows_no_mark(d):
    text = render.service_text(d.service("samaritans"))
    assert "Call 116 123" in text and "Open: 24 hours, every day" in text
    assert "not yet confirmed" not in text


def test_unconfirmed_hours_are_said_to_be_unconfirmed(d):
    text = render.service_text(d.service("mens_advice_line"))
    assert "Opening hours not yet confirmed." in text
    assert "2010" in text


def test_unverified_platform_facts_are_marked(d):
    telegram = render.platform_text(d.platform("telegram"))
    assert f"Email: abuse@telegram.org {render.UNVERIFIED}" in telegram
    bing = render.platform_text(d.platform("bing"))
    assert f"https://www.microsoft.com/en-us/concern/revengeporn {render.UNVERIFIED}" in bing
    meta = render.platform_text(d.platform("meta"))
    assert "https://facebook.com/safety/notwithoutmyconsent" in meta
    assert "not yet confirmed" not in meta


def test_laws_say_when_they_came_into_force(d):
    laws = {law.id: law for law in d.laws}
    today = dt.date(2026, 12, 4)
    assert render.law_text(laws["ew_s66b_sharing"], today).endswith(
        "In force since 31 January 2024.")
    assert render.law_text(laws["ew_s66e_creating"], today).endswith(
        "In force since 6 February 2026, but we have not confirmed this date.")
    assert render.law_text(laws["ni_s51"], today).endswith(render.IN_FORCE_UNCONFIRMED)
    assert render.law_text(laws["nz_hdca_s22a"], today).endswith("In force since March 2022.")
    assert render.law_text(laws["eu_directive_2024_1385"], today).endswith(
        "Not yet in force: due from 14 June 2027.")
    assert render.UNVERIFIED in render.law_text(laws["ca_bill_c16"], today)
    assert "not yet confirmed" not in render.law_text(laws["ew_s66b_sharing"], today)


def test_a_place_without_law_gets_an_honest_answer(d):
    assert d.laws_for("IN") == []
    text = render.no_law_text(d.jurisdiction("OTHER"))
    assert "where you are" in text and "checked information" in text
    assert "India" in render.no_law_text(d.jurisdiction("IN"))


def test_evidence_steps_are_numbered(d):
    text = render.evidence_text(d.evidence_for(Person(age_group="adult")))
    lines = text.splitlines()
    assert len(lines) == 11 and lines[0].startswith("1. ") and lines[-1].startswith("11. ")
    assert "never pay" in text.lower()


ADULT_ONLY_STEPS = {"capture_url", "police_before_takedown"}
CHILD_SAFE_STEPS = {"capture_url_under_18", "remove_without_waiting", "hashing_helper"}


def test_only_an_adult_asking_for_themselves_is_told_to_screenshot(d):
    adult = {s.id for s in d.evidence_for(Person(age_group="adult"))}
    assert ADULT_ONLY_STEPS <= adult and not CHILD_SAFE_STEPS & adult
    # Unknown age used to get the adult "take a screenshot" step as well: the dangerous bug.
    for person in (Person(), Person(age_group="under_18"), Person(age=12),
                   Person(age_group="adult", helper=True),
                   Person(age_group="adult", age_in_image="under_18")):
        steps = {s.id for s in d.evidence_for(person)}
        assert CHILD_SAFE_STEPS <= steps and not ADULT_ONLY_STEPS & steps, person
    assert ADULT_ONLY_STEPS <= {s.id for s in d.evidence_for(Person(age_in_image="adult"))}


def test_child_safe_can_be_asked_for_outright(d):
    forced = {s.id for s in d.evidence_for(Person(age_group="adult"), child_safe=True)}
    assert CHILD_SAFE_STEPS <= forced and not ADULT_ONLY_STEPS & forced
    assert ADULT_ONLY_STEPS <= {s.id for s in d.evidence_for(Person(), child_safe=False)}


def test_for_children_removal_never_waits_for_the_police(d):
    child = render.evidence_text(d.evidence_for(Person(age=15)))
    assert "do not wait for the police" in child
    assert "talk to the police before" not in child
    assert "talk to the police before" in d.evidence_step("police_before_takedown").text


def test_take_it_down_works_on_the_device_not_from_a_link(d):
    step = d.evidence_step("capture_url_under_18").text
    assert "Take It Down works on the young person's own device" in step
    assert "not from a link" in d.service("take_it_down").note


def test_checked_footer(d):
    assert render.checked_footer(s.provenance for s in d.services) == (
        "Details last checked November 2026.")
    assert render.checked_footer([d.service("netsafe").provenance]) == (
        "Details last checked December 2026.")


# Entries the fact sheet gives no primary source for: they cite its section instead, so a
# reviewer can find them. Adding one here is a conscious choice.
WITHOUT_PRIMARY_SOURCE = {
    "IE", "US", "AU", "OTHER", "eu_directive_2024_1385",
    "telegram", "samaritans", "shout", "mens_advice_line",
    "scotland_da_fm_helpline", "ni_dsa_helpline", "victim_support",
    "galop", "womens_aid_ie", "lifeline_988", "rainn", "respect_1800", "crisis_988_ca",
} | {"safety_first", "capture_url", "record_poster", "record_dates", "keep_messages",
     "police_before_takedown", "keep_log", "store_securely", "do_not_engage",
     "never_forward"}


def test_entries_without_a_primary_source_are_known(d):
    missing = {r.id for r in all_records(d) if not r.provenance.has_primary_source}
    assert missing == WITHOUT_PRIMARY_SOURCE


def test_a_factsheet_citation_must_name_a_real_section(tmp_path):
    import shutil
    root = Path(__file__).resolve().parents[2] / "data" / "directory"
    for f in root.iterdir():
        shutil.copy(f, tmp_path / f.name)
    laws = (tmp_path / "laws.yml").read_text().replace("factsheet.md#ireland",
                                                      "factsheet.md#atlantis", 1)
    (tmp_path / "laws.yml").write_text(laws)
    with pytest.raises(DirectoryError) as error:
        load_directory(tmp_path)
    assert "factsheet.md#atlantis" in str(error.value)


def test_a_place_name_belongs_to_one_jurisdiction(d):
    """The triage extractor maps the directory's aliases and data/patterns/triage.yml's
    places to a country: no name may point to two."""
    import yaml
    places = yaml.safe_load((DIRECTORY.parent / "patterns" / "triage.yml").read_text())["places"]
    owners = {}
    for code, names in [(j.id, j.aliases) for j in d.jurisdictions] + list(places.items()):
        assert code in COUNTRY_CODES, code
        for name in names:
            owners.setdefault(name, set()).add(code)
    assert {name: codes for name, codes in owners.items() if len(codes) > 1} == {}
    # The new jurisdictions are found by name, not as "anywhere else".
    for name in ("india", "pakistan", "nigeria", "south africa", "philippines", "kenya",
                 "new zealand"):
        assert name not in places["OTHER"], name
