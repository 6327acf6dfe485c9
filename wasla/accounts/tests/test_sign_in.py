import os
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.9.8.7")


def test_a_demo_user_signs_in_and_lands_on_the_dashboard(client, demo, demo_password):
    response = _sign_in(client, "counsellor", demo_password)
    assert response.status_code == 302
    assert response.url == reverse("dashboards:home")


def test_a_failed_sign_in_never_tells_whether_the_account_exists(client, demo):
    wrong_password = _sign_in(client, "counsellor", "not-the-password")
    no_such_user = _sign_in(client, "nobody-here", "not-the-password")
    assert wrong_password.status_code == no_such_user.status_code == 200
    assert wrong_password.context["form"].errors == no_such_user.context["form"].errors


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client, demo, demo_password
):
    for _attempt in range(3):
        _sign_in(client, "agent", "wrong-password")
    response = _sign_in(client, "agent", demo_password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2():
    assert make_password("a-long-password").startswith("argon2$")


def test_outside_the_test_suite_argon2_hashes_every_new_password():
    script = "from wasla import settings; print(settings.PASSWORD_HASHERS[0])"
    env = {**os.environ, "WASLA_DEBUG": "1", "WASLA_TESTING": "0"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_password_reset_sends_an_email_only_to_known_addresses_and_says_the_same(client, demo):
    known = client.post(reverse("accounts:password_reset"), {"email": "counsellor@demo.wasla.tn"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "stranger@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["counsellor@demo.wasla.tn"]
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_two_factor_sign_in(client, demo, demo_password, user_for_role):
    counsellor = user_for_role("counsellor")
    client.force_login(counsellor)
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=counsellor, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor"), {"action": "confirm", "token": "000000"})
    assert wrong.status_code == 400
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post(reverse("accounts:two_factor"), {"action": "confirm", "token": code})
    assert TOTPDevice.objects.get(user=counsellor).confirmed

    client.logout()
    response = _sign_in(client, "counsellor", demo_password)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:verify"))
    # Without the second factor, staff pages send the user back to the code page.
    blocked = client.get(reverse("dashboards:home"))
    assert blocked.status_code == 302 and blocked.url.startswith(reverse("accounts:verify"))
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    verified = client.post(
        reverse("accounts:verify"), {"token": code, "next": reverse("dashboards:home")}
    )
    assert verified.status_code == 302 and verified.url == reverse("dashboards:home")
    assert client.get(reverse("dashboards:home")).status_code == 200


def test_sign_out_needs_a_post(client, demo, user_for_role):
    client.force_login(user_for_role("auditor"))
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
