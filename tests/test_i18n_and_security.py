import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "wasla" / "locale"


def test_the_public_reads_arabic_right_to_left_by_default(client, territories):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert page["Content-Language"] == "ar"


@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("en", "ltr"), ("ar", "rtl")])
def test_the_chosen_language_is_kept_on_every_page(client, territories, language, direction):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/territories/"})
    assert response.status_code == 302
    html = client.get("/territories/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html


def test_governorate_names_follow_the_page_language(client, territories):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Médenine" in client.get("/territories/TN-82/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert "مدنين" in client.get("/territories/TN-82/").content.decode()


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_every_string_is_translated(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
    assert untranslated == []
    assert len(catalog) > 250


def test_pages_allow_only_wasla_own_origin(client, territories):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_templates_load_nothing_from_the_internet():
    offenders = []
    for template in Path(settings.BASE_DIR, "wasla").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for marker in ('src="http', "src='http", 'href="http', "url(http"):
            if marker in text:
                offenders.append(f"{template}: {marker}")
    assert offenders == []


@pytest.mark.parametrize(
    "path", ["/", "/offices/", "/territories/", "/territories/map/", "/accounts/login/"]
)
def test_public_pages_stay_light(client, demo, path):
    """Under 150 KB of HTML, CSS and script (images aside) for a cheap phone on a slow network."""
    from django.contrib.staticfiles import finders

    html = client.get(path).content
    assets = [
        finders.find("wasla/css/wasla.css"),
        finders.find("django_htmx/htmx-2.min.js"),
    ]
    total = len(html) + sum(Path(asset).stat().st_size for asset in assets)
    assert total < 150 * 1024, f"{path}: {total} bytes"


def _environment_without_test_settings() -> dict:
    hidden = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "WASLA_TESTING"}
    return {key: value for key, value in os.environ.items() if key not in hidden}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **_environment_without_test_settings(),
        "WASLA_TESTING": "0",
        "WASLA_DEBUG": "0",
        "WASLA_SECRET_KEY": "a-production-secret-" + "k" * 50,
        "WASLA_ALLOWED_HOSTS": "wasla.example.tn",
        "WASLA_STATIC_ROOT": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_in_production():
    env = {**_environment_without_test_settings(), "WASLA_DEBUG": "0", "WASLA_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "-c", "import wasla.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "WASLA_SECRET_KEY" in result.stderr
