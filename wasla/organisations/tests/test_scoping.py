import pytest

from wasla.organisations.models import Office, Organisation, Role
from wasla.organisations.scoping import ANONYMOUS_SCOPE, scope_for
from wasla.organisations.services import membership_add

pytestmark = pytest.mark.django_db


def test_a_counsellor_sees_only_the_office_they_work_at(user_for_role):
    scope = scope_for(user_for_role(Role.COUNSELLOR))
    medenine = Office.objects.get(slug="ote-antenna-medenine")
    assert scope.office_ids == {medenine.pk}
    assert scope.filter_by_office(Office.objects.all(), office_field="pk").get() == medenine
    assert not scope.can("audit.view")
    assert scope.can("dashboard.view")


def test_an_employment_officer_works_for_the_whole_agency(user_for_role):
    scope = scope_for(user_for_role(Role.EMPLOYMENT_OFFICER))
    aneti_offices = set(
        Office.objects.filter(organisation__slug="aneti").values_list("pk", flat=True)
    )
    assert scope.office_ids == aneti_offices
    assert len(aneti_offices) == 6


def test_a_role_held_in_one_organisation_does_not_grant_it_in_another(user_for_role):
    admin = user_for_role(Role.ADMINISTRATOR)
    scope = scope_for(admin)
    own = Organisation.objects.get(slug="municipality-ghomrassen")
    other = Organisation.objects.get(slug="municipality-kairouan")
    assert scope.can_in_organisation("organisations.office.edit", own.pk)
    assert not scope.can_in_organisation("organisations.office.edit", other.pk)


def test_partner_organisations_are_those_of_the_caseworker_role(user_for_role):
    scope = scope_for(user_for_role(Role.PARTNER_CASEWORKER))
    assert scope.partner_organisation_ids == {Organisation.objects.get(slug="unft-kairouan").pk}
    assert scope.office_ids == set(
        Office.objects.filter(organisation__slug="unft-kairouan").values_list("pk", flat=True)
    )


def test_ended_memberships_and_anonymous_visitors_grant_nothing(user_for_role, django_user_model):
    assert scope_for(None) is ANONYMOUS_SCOPE
    newcomer = django_user_model.objects.create_user("newcomer", password="x-long-password")
    assert not scope_for(newcomer).is_staff_member
    membership = membership_add(
        actor=None,
        user=newcomer,
        organisation=Organisation.objects.get(slug="ote"),
        role=Role.AUDITOR,
    )
    newcomer = django_user_model.objects.get(pk=newcomer.pk)
    assert scope_for(newcomer).can("audit.view")
    membership.is_active = False
    membership.save()
    newcomer = django_user_model.objects.get(pk=newcomer.pk)
    assert not scope_for(newcomer).can("audit.view")


def test_a_platform_administrator_sees_everything(demo, django_user_model):
    scope = scope_for(django_user_model.objects.get(username="platform"))
    assert scope.is_platform_admin
    assert (
        scope.filter_by_office(Office.objects.all(), office_field="pk").count()
        == Office.objects.count()
    )
