import pytest

from wasla.core.exceptions import ApplicationError
from wasla.core.models import AuditEntry
from wasla.organisations.models import Office, Organisation, Role, StaffMembership
from wasla.organisations.services import membership_add, membership_end

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_colleague_at_one_of_their_offices(
    user_for_role, django_user_model
):
    admin = user_for_role(Role.ADMINISTRATOR)
    colleague = django_user_model.objects.create_user("rim", password="long-enough-pass")
    organisation = Organisation.objects.get(slug="municipality-ghomrassen")
    office = Office.objects.get(slug="citizen-space-ghomrassen")
    membership = membership_add(
        actor=admin,
        user=colleague,
        organisation=organisation,
        role=Role.FRONT_DESK_AGENT,
        office=office,
    )
    again = membership_add(
        actor=admin,
        user=colleague,
        organisation=organisation,
        role=Role.FRONT_DESK_AGENT,
        office=office,
    )
    assert membership == again
    assert StaffMembership.objects.filter(user=colleague).count() == 1
    assert AuditEntry.objects.filter(
        target_type="organisations.staffmembership", target_id=str(membership.pk), actor=admin
    ).exists()


def test_an_office_of_another_organisation_is_refused(user_for_role, django_user_model):
    colleague = django_user_model.objects.create_user("rim", password="long-enough-pass")
    with pytest.raises(ApplicationError, match="does not belong"):
        membership_add(
            actor=user_for_role(Role.ADMINISTRATOR),
            user=colleague,
            organisation=Organisation.objects.get(slug="municipality-ghomrassen"),
            role=Role.FRONT_DESK_AGENT,
            office=Office.objects.get(slug="citizen-space-medenine"),
        )


def test_staff_of_other_organisations_cannot_be_managed(user_for_role):
    counsellor_membership = StaffMembership.objects.get(user=user_for_role(Role.COUNSELLOR))
    with pytest.raises(ApplicationError):
        membership_end(actor=user_for_role(Role.ADMINISTRATOR), membership=counsellor_membership)
    counsellor_membership.refresh_from_db()
    assert counsellor_membership.is_active


def test_an_administrator_ends_a_membership_but_not_their_own_role(user_for_role):
    admin = user_for_role(Role.ADMINISTRATOR)
    agent_membership = StaffMembership.objects.get(user=user_for_role(Role.FRONT_DESK_AGENT))
    membership_end(actor=admin, membership=agent_membership)
    agent_membership.refresh_from_db()
    assert not agent_membership.is_active
    with pytest.raises(ApplicationError, match="your own"):
        membership_end(actor=admin, membership=StaffMembership.objects.get(user=admin))
