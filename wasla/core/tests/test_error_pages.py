import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_missing_page_answers_404_in_the_layout_and_the_visitor_language(territories):
    client = Client()
    client.cookies["wasla_language"] = "fr"
    response = client.get("/offices/no-such-office/")
    assert response.status_code == 404
    assert "Cette page n" in response.content.decode()


def test_a_forbidden_page_explains_itself(client_for):
    response = client_for("counsellor").get("/accounts/audit/")
    assert response.status_code == 403
    assert 'lang="ar"' in response.content.decode()
    assert "<nav" in response.content.decode()


def test_a_form_sent_without_its_csrf_token_is_refused_with_a_readable_page(territories):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "<h1>" in response.content.decode()
