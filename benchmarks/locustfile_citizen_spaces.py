"""Locust users (FastHttpUser: the load tool shares the two cores with the server, so it must
spend little CPU) for benchmarks/citizen_spaces_load.py: citizens tracking their requests,
agents taking requests at the desk and reading their work queue, and a bare endpoint (/ping,
a constant) in the same run to give the floor. Reads its inputs from LOAD_* variables."""

import json
import os
import random
import re
import secrets
from pathlib import Path

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PAIRS = json.loads(Path(os.environ["LOAD_PAIRS_FILE"]).read_text(encoding="utf-8"))
OFFICE = os.environ["LOAD_OFFICE"]
SERVICE = os.environ["LOAD_SERVICE"]
PASSWORD = os.environ["LOAD_PASSWORD"]


def _token(response) -> str:
    match = CSRF.search(response.text)
    return match.group(1) if match else ""


class Citizen(FastHttpUser):
    """Looks up a request with its reference and phone, as written in the SMS (any format)."""

    weight = 3
    wait_time = between(1, 3)

    @task(6)
    def track(self):
        reference, phone = random.choice(PAIRS)
        with self.client.get("/track/", name="track: form", catch_response=True) as page:
            token = _token(page)
            if not token:
                page.failure("no CSRF token on the tracking page")
                return
        with self.client.post(
            "/track/",
            {"csrfmiddlewaretoken": token, "reference": reference.lower(), "phone": phone[4:]},
            headers={"Referer": self.host + "/track/"},
            name="track: lookup",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or reference not in response.text:
                response.failure(f"lookup of {reference}: {response.status_code}")

    @task(1)
    def floor(self):
        self.client.get("/ping", name="floor: /ping")


class Agent(FastHttpUser):
    """A front-desk agent: the work queue, and now and then a request taken at the counter."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="agent: sign-in form")
        self.client.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": _token(page), "username": "agent", "password": PASSWORD},
            headers={"Referer": self.host + "/accounts/login/"},
            name="agent: sign in",
        )

    @task(3)
    def queue(self):
        with self.client.get(
            f"/desk/{OFFICE}/requests/", name="agent: work queue", catch_response=True
        ) as response:
            if response.status_code != 200 or "CS-" not in response.text:
                response.failure(f"work queue: {response.status_code}")

    @task(1)
    def submit(self):
        url = f"/desk/{OFFICE}/requests/new/"
        page = self.client.get(url, name="agent: new request form")
        with self.client.post(
            url,
            {
                "csrfmiddlewaretoken": _token(page),
                "service": SERVICE,
                "requester_name": "Mariem Ben Salah",
                "phone": f"2{random.randint(0, 9_999_999):07d}",
                "language": "ar",
                "contact_channel": "sms",
                "idempotency_key": secrets.token_urlsafe(24),
            },
            headers={"Referer": self.host + url},
            name="agent: submit request",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"submission: {response.status_code}")
