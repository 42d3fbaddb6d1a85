"""The real directory data: it loads, it says only what the fact sheet says, it marks what
the fact sheet could not confirm, and the queries and renderer serve the right people."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator, Set

import pytest

from bot.directory import ADULT, UNDER_18, Directory, DirectoryError, Person, load_directory
from bot.directory import render
from bot.directory.schema import COUNTRY_CODES, SERVICE_KINDS, UK_NATIONS

FACT_SHEET = Path(os.environ.get(
    "FACT_SHEET", Path(__file__).resolve().parents[2] / "data" / "directory" / "factsheet.md"))


@pytest.fixture(scope="module")
def d() -> Directory:
    return load_directory()


@pytest.fixture(scope="module")
def sheet() -> str:
    if not FACT_SHEET.exists():
        pytest.skip(f"fact sheet not found at {FACT_SHEET} (set FACT_SHEET)")
    return FACT_SHEET.read_text(encoding="utf-8")


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
        "ew_s66b_sharing", "ew_s66e_creating", "ew_s66f_requesting", "scotland_s2", "ni_s51",
        "ie_cocos_law", "us_take_it_down_act", "eu_directive_2024_1385"}
    assert [e.id for e in d.evidence] == [
        "safety_first", "capture_url", "capture_url_under_18", "record_poster", "record_dates",
        "keep_messages",
        "keep_log", "store_securely", "do_not_engage", "never_forward", "hashing_on_device"]


def test_every_record_is_sourced_and_dated_november_2026(d):
    for record in all_records(d):
        assert record.provenance.verified == "2026-11", record.id
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


def test_every_phone_number_is_in_the_fact_sheet(d, sheet):
    numbers = _sheet_numbers(sheet)
    phones = [(s.id, s.contact.phone) for s in d.services if s.contact.phone]
    phones += [(j.id, j.emergency) for j in d.jurisdictions]
    phones += [(j.id, j.police_non_emergency) for j in d.jurisdictions if j.police_non_emergency]
    for where, phone in phones:
        assert re.sub(r"\D", "", phone) in numbers, (where, phone)


def test_every_email_is_in_the_fact_sheet(d, sheet):
    emails = [s.contact.email for s in d.services if s.contact.email]
    emails += [p.email for p in d.platforms if p.email]
    assert emails
    for email in emails:
        assert email in sheet, email


def test_every_address_and_source_is_built_from_the_fact_sheet(d, sheet):
    urls = [u for s in d.services for u in (s.contact.web, s.contact.chat) if u]
    urls += [link.url for p in d.platforms for link in p.links]
    urls += [u for record in all_records(d) for u in record.provenance.source
             if u.startswith("https://")]
    for url in urls:
        assert _in_sheet(url, sheet), url


def test_text_lines_match_the_fact_sheet(d):
    assert d.service("shout").contact.text == "Text SHOUT to 85258"
    assert d.service("lifeline_988").contact.text == "Text 988"


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
    for sid in ("rape_crisis_scotland", "galop"):
        assert d.service(sid).provenance.is_unverified("hours"), sid
        assert d.service(sid).hours is None, sid
    ndah = d.service("national_da_helpline")
    assert ndah.provenance.is_unverified("eligibility")
    assert ndah.eligibility.countries == ("GB-ENG",)


def test_platform_facts_the_fact_sheet_could_not_confirm(d):
    telegram = d.platform("telegram")
    assert telegram.email == "abuse@telegram.org"
    assert telegram.provenance.unverified == ("email",)
    bing = d.platform("bing")
    assert bing.links == () and bing.provenance.is_unverified("links")


def test_laws_not_confirmed_in_force_are_marked(d):
    laws = {law.id: law for law in d.laws}
    assert laws["ew_s66e_creating"].provenance.is_unverified("in_force")
    assert laws["ew_s66f_requesting"].provenance.is_unverified("summary")
    for lid in ("ew_s66b_sharing", "scotland_s2", "ni_s51", "ie_cocos_law",
                "us_take_it_down_act", "eu_directive_2024_1385"):
        assert laws[lid].provenance.unverified == (), lid


def test_emergency_numbers_not_in_the_fact_sheet_are_marked(d):
    for code in ("CA", "OTHER"):
        place = d.jurisdiction(code)
        assert place.provenance.is_unverified("emergency"), code
        assert any("local emergency number" in note for note in place.police_notes), code
    for code in ("GB", "GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR", "IE", "US", "AU"):
        assert d.jurisdiction(code).provenance.unverified == (), code


def test_only_the_marked_facts_are_unverified(d):
    marked = {(r.id, fact) for r in all_records(d) for fact in r.provenance.unverified}
    assert marked == {
        ("mens_advice_line", "hours"), ("rape_crisis_scotland", "hours"), ("galop", "hours"),
        ("national_da_helpline", "eligibility"), ("ccri_helpline", "phone"),
        ("telegram", "email"), ("bing", "links"),
        ("ew_s66e_creating", "in_force"), ("ew_s66f_requesting", "summary"),
        ("CA", "emergency"), ("OTHER", "emergency"),
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
    assert "childline" in everyone(d, country="GB-ENG", age=19)
    assert "childline" not in everyone(d, country="GB-ENG", age=20)
    assert "report_remove" not in everyone(d, country="GB-ENG", age=18)
    assert "the_mix" in everyone(d, country="GB-WLS", age=24)
    assert "the_mix" not in everyone(d, country="GB-WLS", age=25)
    assert "kids_helpline" in everyone(d, country="AU", age=25)
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
        "IE": "112", "US": "911", "AU": "000", "CA": "911", "OTHER": "112"}
    for code in UK_NATIONS + ("GB",):
        assert d.jurisdiction(code).police_non_emergency == "101"
    assert d.jurisdiction("AU").police_non_emergency == "131 444"
    assert any("press 55" in n for n in d.jurisdiction("GB-NIR").police_notes)
    assert d.jurisdiction(None).id == "GB"
    assert d.jurisdiction("FR").id == "OTHER"


def test_crisis_services_are_crisis_lines_that_serve_the_place(d):
    for place in d.jurisdictions:
        for sid in place.crisis_services:
            service = d.service(sid)
            assert "crisis_line" in service.kinds, (place.id, sid)
            assert d.eligible(service, Person(country=place.id)), (place.id, sid)
    assert d.jurisdiction("GB-SCT").crisis_services == ("samaritans", "shout")
    assert d.jurisdiction("IE").crisis_services == ("samaritans",)
    assert d.jurisdiction("US").crisis_services == ("lifeline_988",)
    assert d.jurisdiction("AU").crisis_services == ("lifeline_au",)
    assert d.jurisdiction("CA").crisis_services == ("crisis_988_ca",)
    assert d.jurisdiction("OTHER").crisis_services == ()


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
    assert law_ids("GB-SCT") == {"scotland_s2"}
    assert law_ids("GB-NIR") == {"ni_s51"}
    assert law_ids("GB-WLS") == {"ew_s66b_sharing", "ew_s66e_creating", "ew_s66f_requesting"}
    assert law_ids("GB") == law_ids("GB-ENG") | {"scotland_s2", "ni_s51"}
    assert law_ids(None) == law_ids("GB")
    assert law_ids("IE") == {"ie_cocos_law", "eu_directive_2024_1385"}
    assert law_ids("US") == {"us_take_it_down_act"}
    assert law_ids("OTHER") == {"eu_directive_2024_1385"}
    assert law_ids("CA") == set()


@pytest.mark.parametrize("typed, platform", [
    ("Instagram", "meta"), ("insta", "meta"), (" IG ", "meta"), ("facebook", "meta"),
    ("FB", "meta"), ("messenger", "meta"), ("twitter", "x"), ("X", "x"),
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
    assert "not yet confirmed a web address" in bing
    meta = render.platform_text(d.platform("meta"))
    assert "https://facebook.com/safety/notwithoutmyconsent" in meta
    assert "not yet confirmed" not in meta


def test_laws_not_confirmed_are_marked(d):
    laws = {law.id: law for law in d.laws}
    assert "came into force is not yet confirmed" in render.law_text(laws["ew_s66e_creating"])
    assert render.UNVERIFIED in render.law_text(laws["ew_s66f_requesting"])
    assert "not yet confirmed" not in render.law_text(laws["ew_s66b_sharing"])


def test_evidence_steps_are_numbered(d):
    text = render.evidence_text(d.evidence_for(Person(age_group="adult")))
    lines = text.splitlines()
    assert len(lines) == 10 and lines[0].startswith("1. ") and lines[-1].startswith("10. ")
    assert "never pay" in text.lower()


def test_under_18s_are_never_told_to_screenshot_images(d):
    minor = [s.id for s in d.evidence_for(Person(age_group="under_18"))]
    adult = [s.id for s in d.evidence_for(Person(age_group="adult"))]
    unknown = [s.id for s in d.evidence_for(Person())]
    assert "capture_url" not in minor and "capture_url_under_18" in minor
    assert "capture_url" in adult and "capture_url_under_18" not in adult
    assert {"capture_url", "capture_url_under_18"} <= set(unknown)


def test_checked_footer(d):
    assert render.checked_footer(s.provenance for s in d.services) == (
        "Details last checked November 2026.")


# Entries the fact sheet gives no primary source for: they cite its section instead, so a
# reviewer can find them. Adding one here is a conscious choice.
WITHOUT_PRIMARY_SOURCE = {
    "IE", "US", "AU", "CA", "OTHER", "ew_s66b_sharing", "ew_s66e_creating", "ew_s66f_requesting",
    "scotland_s2", "ni_s51", "ie_cocos_law", "us_take_it_down_act", "eu_directive_2024_1385",
    "telegram", "childline", "samaritans", "shout", "mens_advice_line",
    "scotland_da_fm_helpline", "ni_dsa_helpline", "rape_crisis_scotland", "victim_support",
    "galop", "womens_aid_ie", "lifeline_988", "rainn", "respect_1800", "lifeline_au",
    "kids_helpline", "cybertip_ca", "needhelpnow", "crisis_988_ca",
} | {"safety_first", "capture_url", "capture_url_under_18", "record_poster", "record_dates",
     "keep_messages", "keep_log", "store_securely", "do_not_engage", "never_forward",
     "hashing_on_device"}


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
