"""The review queue, merge and undo pages, linkage runs and the counts, as a programme manager
uses them; and every role × page of the duplicate review (the central matrix's pattern)."""

import pytest
from django.contrib.auth import get_user_model

from wasla.organisations.models import Office, Organisation, StaffMembership
from wasla.people.demo import demo_duplicates_add
from wasla.people.models import CandidatePair, LinkageRun, Person, PersonMerge
from wasla.people.selectors_duplicates import people_count, reason_label

ROLES = [
    None,
    "administrator",
    "counsellor",
    "front_desk_agent",
    "partner_caseworker",
    "employment_officer",
    "programme_manager",
    "auditor",
]
MANAGER = {"programme_manager"}


@pytest.fixture
def client_for(client_for, settings):
    """The shared signed-in client, reading the pages in English (the assertions quote them)."""

    def in_english(role: str | None):
        client = client_for(role)
        client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
        return client

    return in_english


@pytest.fixture
def mariem(demo):
    """The demo's three registrations of one woman at the Kairouan agency, and one pair."""
    people = demo_duplicates_add()
    first, second = people[0], people[1]
    pair = CandidatePair.objects.create(
        person_a=first,
        person_b=second,
        probability=0.985,
        match_weight=11.2,
        agreements=[
            "name: same transliteration",
            "birth_date: day and month swapped",
            "phone: same number",
        ],
        disagreements=["father_name: different"],
    )
    return {"people": people, "pair": pair}


MATRIX = [
    ("get", "/people/duplicates/", MANAGER, 200, 403),
    ("get", "/people/duplicates/runs/", MANAGER, 200, 403),
    ("get", "/people/duplicates/merges/", MANAGER, 200, 403),
    ("get", "/people/duplicates/pairs/{pair}/", MANAGER, 200, 403),
    ("post", "/people/duplicates/pairs/{pair}/", set(), 302, 403),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "allowed", "ok", "denied"), MATRIX)
def test_every_role_on_every_duplicate_page(
    client_for, mariem, role, method, path, allowed, ok, denied
):
    client = client_for(role)
    url = path.format(pair=mariem["pair"].pk)
    response = getattr(client, method)(url, {} if method == "post" else None)
    if role is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in allowed:
        assert response.status_code == ok
    elif role in MANAGER and method == "post":
        # Allowed, but an empty form is refused with a message, changing nothing.
        assert response.status_code == 400
        assert CandidatePair.objects.get(pk=mariem["pair"].pk).status == "pending"
    else:
        assert response.status_code == denied


def test_the_queue_shows_the_pair_side_by_side_with_its_reasons(client_for, mariem):
    page = client_for("programme_manager").get("/people/duplicates/")
    html = page.content.decode()
    pair = mariem["pair"]
    assert f'id="pair-{pair.pk}"' in html
    for person in mariem["people"][:2]:
        assert person.reference in html
    assert "same once transliterated" in html
    assert "day and month swapped" in html
    assert 'name="survivor"' in html
    # Phones are partly masked: enough to recognise, not to call.
    assert "+21622123456" not in html and "+216•••••456" in html


def test_confirming_merges_and_the_merge_page_undoes_it(client_for, mariem):
    client = client_for("programme_manager")
    pair = mariem["pair"]
    first, second = mariem["people"][:2]
    response = client.post(
        f"/people/duplicates/pairs/{pair.pk}/",
        {"decision": "confirm", "version": pair.version, "survivor": first.pk},
    )
    merge = PersonMerge.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/duplicates/merges/{merge.pk}/"
    )
    assert Person.objects.get(pk=second.pk).merged_into_id == first.pk
    detail = client.get(f"/people/duplicates/merges/{merge.pk}/").content.decode()
    assert "Undo this merge" in detail
    undone = client.post(f"/people/duplicates/merges/{merge.pk}/")
    assert undone.status_code == 302
    assert Person.objects.get(pk=second.pk).merged_into_id is None
    again = client.post(f"/people/duplicates/merges/{merge.pk}/")
    assert again.status_code == 409


def test_a_second_decision_on_the_same_pair_gets_a_clear_message(client_for, mariem):
    client = client_for("programme_manager")
    pair = mariem["pair"]
    client.post(
        f"/people/duplicates/pairs/{pair.pk}/", {"decision": "reject", "version": pair.version}
    )
    late = client.post(
        f"/people/duplicates/pairs/{pair.pk}/",
        {"decision": "confirm", "version": pair.version, "survivor": pair.person_a_id},
    )
    assert late.status_code == 409
    assert "already decided on this pair" in late.content.decode()
    assert not PersonMerge.objects.exists()


def test_a_manager_of_another_organisation_does_not_see_the_pair(client_for, mariem):
    other = get_user_model().objects.create_user("manager-ote", password="x")
    StaffMembership.objects.create(
        user=other, organisation=Organisation.objects.get(slug="ote"), role="programme_manager"
    )
    client = client_for(None)
    client.force_login(other)
    assert (
        str(mariem["people"][0].reference) not in client.get("/people/duplicates/").content.decode()
    )
    assert client.get(f"/people/duplicates/pairs/{mariem['pair'].pk}/").status_code == 404


def test_the_merged_record_page_points_to_the_survivor(client_for, mariem, user_for_role):
    from wasla.people.duplicates import person_merge

    first, second = mariem["people"][:2]
    StaffMembership.objects.create(
        user=user_for_role("counsellor"),
        organisation=Office.objects.get(slug="lda-kairouan-office").organisation,
        office=Office.objects.get(slug="lda-kairouan-office"),
        role="counsellor",
    )
    person_merge(actor=user_for_role("programme_manager"), survivor=first, merged=second)
    page = client_for("counsellor").get(f"/people/{second.reference}/").content.decode()
    assert 'id="merged-into"' in page
    assert f'href="/people/{first.reference}/"' in page


def test_counts_collapse_the_latest_run_clusters_until_a_reviewer_says_otherwise(
    mariem, user_for_role
):
    manager = user_for_role("programme_manager")
    before = people_count(user=manager)
    assert before.distinct == before.records  # no run yet: rows are all we know
    assert before.pending_pairs == 1
    LinkageRun.objects.create(status="done", threshold=0.9, review_floor=0.5)
    counted = people_count(user=manager)
    assert counted.records == before.records
    assert counted.distinct == counted.records - 1 and counted.pending_pairs == 1
    assert people_count(user=manager, sex="male").distinct == counted.records - 3
    from wasla.people.duplicates import pair_reject

    pair_reject(actor=manager, pair=mariem["pair"], expected_version=mariem["pair"].version)
    assert people_count(user=manager).distinct == counted.records


def test_the_dashboard_shows_people_counted_once(client_for, mariem):
    LinkageRun.objects.create(status="done", threshold=0.9, review_floor=0.5)
    html = client_for("programme_manager").get("/dashboard/").content.decode()
    assert 'id="people-counted"' in html
    assert 'href="/people/duplicates/"' in html


def test_starting_a_run_is_refused_while_one_is_under_way(client_for, demo):
    LinkageRun.objects.create(status="running", threshold=0.9, review_floor=0.5)
    response = client_for("programme_manager").post(
        "/people/duplicates/runs/", {"threshold": "0.9"}
    )
    assert response.status_code == 400
    assert "already under way" in response.content.decode()
    bad = client_for("programme_manager").post("/people/duplicates/runs/", {"threshold": "2"})
    assert bad.status_code == 400
    assert LinkageRun.objects.count() == 1


def test_the_run_page_polls_while_running_and_stops_when_done(client_for, demo):
    run = LinkageRun.objects.create(
        status="running", threshold=0.9, review_floor=0.5, progress=40, stage="EM"
    )
    client = client_for("programme_manager")
    partial = client.get(f"/people/duplicates/runs/{run.pk}/", headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert html.lstrip().startswith("{") is False and 'id="run-status"' in html
    assert 'hx-trigger="every 2s"' in html and 'value="40"' in html
    assert "<html" not in html
    full = client.get(f"/people/duplicates/runs/{run.pk}/").content.decode()
    assert 'http-equiv="refresh"' in full  # the no-JavaScript fallback
    LinkageRun.objects.filter(pk=run.pk).update(status="done", progress=100)
    done = client.get(f"/people/duplicates/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert "hx-trigger" not in done.content.decode()


@pytest.mark.parametrize(
    ("code", "field", "level"),
    [
        ("name: same transliteration", "name", "same once transliterated"),
        ("birth_date: day and month swapped", "date of birth", "day and month swapped"),
        ("national_id: one digit apart", "identity card number", "one digit apart"),
        ("phone", "phone", ""),
        ("something_new: odd level", "something new", "odd level"),
    ],
)
def test_engine_reasons_read_as_words(code, field, level):
    reason = reason_label(code)
    assert (reason.field, reason.level) == (field, level)


def test_every_level_of_the_engine_has_words_on_the_review_page():
    """A level the engine adds is not shown to the reviewer in the engine's English."""
    from wasla.engines.linkage.model import STARTING_M_U
    from wasla.people.selectors_duplicates import FIELD_LABELS, LEVEL_LABELS

    unworded = [
        label
        for label in STARTING_M_U
        if label.split(":")[0] not in FIELD_LABELS
        or label.partition(":")[2].strip() not in LEVEL_LABELS
    ]
    assert unworded == []


def test_the_api_warns_of_likely_existing_records_before_registering(client_for, demo):
    client = client_for("counsellor")
    sami = {
        "given_name_latin": "Samy",
        "family_name_latin": "Wertani",
        "sex": "male",
        "birth_year": 1992,
        "phone": "98410220",
        "population_group": "returning_migrant",
        "contact_channel": "sms",
        "office": "ote-antenna-medenine",
    }
    warned = client.post("/api/v1/persons/", sami, content_type="application/json")
    assert warned.status_code == 409
    body = warned.json()
    assert body["code"] == "likely_duplicate"
    assert "phone" in body["matches"][0]["reasons"]
    before = Person.objects.count()
    registered = client.post(
        "/api/v1/persons/", {**sami, "confirmed_new": True}, content_type="application/json"
    )
    assert registered.status_code == 201, registered.json()
    assert Person.objects.count() == before + 1


def test_intake_no_longer_offers_a_merged_record(demo, user_for_role):
    from wasla.people.duplicates import person_merge
    from wasla.people.selectors import person_likely_matches

    first, second = demo_duplicates_add()[:2]
    person_merge(actor=user_for_role("programme_manager"), survivor=first, merged=second)
    platform = get_user_model().objects.get(username="platform")
    matches = person_likely_matches(
        user=platform,
        fields={
            "given_name_latin": "Meriem",
            "family_name_latin": "Ben Salah",
            "phone": "22123456",
        },
    )
    references = [match.reference for match in matches]
    assert first.reference in references and second.reference not in references
