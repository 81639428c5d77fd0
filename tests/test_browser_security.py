"""The pages under their Content-Security-Policy, in a real browser (Debian's Chromium driven by
Playwright, the app served by uvicorn as ``duban serve`` serves it): every answer carries the policy
and the other security headers and no server banner, and the pages load without a single violation
— Chromium reports each one on the console."""

from __future__ import annotations

from browser import live, login, pages, shot, visit  # noqa: F401  (fixtures)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {"content-security-policy": CSP, "x-frame-options": "DENY", "x-content-type-options": "nosniff",
           "referrer-policy": "same-origin"}


class Watched:
    """A page whose console errors and answers (documents, styles, images) are recorded."""

    def __init__(self, pages, live, username: str) -> None:
        self.page = pages.new()
        self.console: list[str] = []
        self.answers: list = []
        self.page.on("console", lambda message: self.console.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.console.append(str(error)))
        self.page.on("response", lambda response: self.answers.append(response)
                     if response.url.startswith(live.base_url) else None)
        login(self.page, live, username)

    def violations(self) -> list[str]:
        return [text for text in self.console if "Content Security Policy" in text or "Refused to" in text]


def test_pages_load_under_the_content_security_policy_without_a_violation(live, pages):
    item = live.item("整治月湖片区违规停车", lead="A", sign=True)
    office = Watched(pages, live, "duchashi")
    for path, name in [("/office", "csp-office-dashboard"), ("/office/ledger", "csp-office-ledger"),
                       (f"/office/items/{item.hex}", "csp-office-item"), ("/office/items/new", "csp-office-register"),
                       ("/office/bulletin", "csp-office-bulletin")]:
        visit(office.page, live, path, name)
    leader = Watched(pages, live, "quzhang")
    visit(leader.page, live, "/leader", "csp-leader-portfolio")  # the twelve-month trend, an SVG chart
    visit(leader.page, live, "/leader/ranking", "csp-leader-ranking")
    unit = Watched(pages, live, "qingchuan")
    visit(unit.page, live, "/unit", "csp-unit-inbox")
    visit(unit.page, live, f"/unit/items/{item.hex}", "csp-unit-foreign-item", status=404)  # unit A's item
    visit(unit.page, live, "/office", "csp-unit-on-office-page", status=403)
    watched = (office, leader, unit)

    problems = [f"{w.page.url}: {text}" for w in watched for text in w.violations()]
    assert not problems, "\n".join(problems)
    answers = [a for w in watched for a in w.answers]
    kinds = {a.request.resource_type for a in answers}
    assert {"document", "stylesheet"} <= kinds, kinds
    for answer in answers:
        headers = answer.headers
        wrong = {name: headers.get(name) for name, value in HEADERS.items() if headers.get(name) != value}
        assert not wrong, f"{answer.url} ({answer.status}): {wrong}"
        assert "server" not in headers, f"{answer.url} names its server: {headers['server']}"
        assert headers.get("x-request-id"), f"{answer.url} carries no request id"

    # the policy is enforced, not only sent: an inline script added to a page is refused and reported
    office.page.evaluate("""() => { const s = document.createElement('script');
                                    s.textContent = 'document.title = "injected"';
                                    document.body.appendChild(s); }""")
    office.page.wait_for_timeout(200)
    shot(office.page, "csp-inline-script-refused")
    assert office.page.title() != "injected"
    assert office.violations(), "Chromium reported no violation for an inline script"
