"""Who sees which scenarios: those of the organisations where they hold the permission."""

import pytest

from wasla.planning import selectors
from wasla.planning.tests.factories import make_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenarios(user_for_role):
    return {
        "ours": make_scenario(user_for_role("programme_manager"), name="Ours"),
        "theirs": make_scenario(
            user_for_role("administrator"),
            organisation_slug="municipality-ghomrassen",
            name="Theirs",
        ),
    }


def names(queryset) -> set[str]:
    return {scenario.name for scenario in queryset}


def test_each_user_sees_the_scenarios_of_their_organisation(
    scenarios, user_for_role, django_user_model
):
    assert names(selectors.scenario_list(user=user_for_role("programme_manager"))) == {"Ours"}
    assert names(selectors.scenario_list(user=user_for_role("auditor"))) == {"Ours"}
    assert names(selectors.scenario_list(user=user_for_role("administrator"))) == {"Theirs"}
    assert names(selectors.scenario_list(user=user_for_role("counsellor"))) == set()
    platform = django_user_model.objects.get(username="platform")
    assert names(selectors.scenario_list(user=platform)) == {"Ours", "Theirs"}


def test_auditors_read_but_do_not_manage(scenarios, user_for_role):
    auditor = user_for_role("auditor")
    ours = scenarios["ours"].pk
    assert selectors.scenario_get(user=auditor, pk=ours) is not None
    assert selectors.scenario_get(user=auditor, pk=ours, permission="planning.manage") is None
    assert selectors.scenario_get(user=auditor, pk=scenarios["theirs"].pk) is None


def test_comparison_keeps_the_order_asked_and_drops_the_invisible(scenarios, user_for_role):
    manager = user_for_role("programme_manager")
    second = make_scenario(manager, name="Second")
    chosen = selectors.scenarios_for_comparison(
        user=manager, ids=[second.pk, scenarios["theirs"].pk, scenarios["ours"].pk]
    )
    assert [scenario.name for scenario in chosen] == ["Second", "Ours"]


def test_organisations_a_planner_may_create_for(user_for_role, django_user_model, demo):
    manager = user_for_role("programme_manager")
    assert [o.slug for o in selectors.organisations_for_planning(user=manager)] == ["lda-kairouan"]
    assert not selectors.organisations_for_planning(user=user_for_role("auditor")).exists()
