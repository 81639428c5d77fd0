"""Helpers for web tests: an app over a small district, and logging in through the real form."""

from __future__ import annotations

import re

from litestar.testing import TestClient

PASSWORD = "correct-horse-1"


def csrf_from(client: TestClient) -> str:
    return client.cookies.get("csrftoken") or ""


def login(client: TestClient, username: str, password: str = PASSWORD):
    page = client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token, "the login form carries a CSRF token"
    return client.post("/login", data={"username": username, "password": password, "_csrf_token": token[1]},
                       follow_redirects=False)
