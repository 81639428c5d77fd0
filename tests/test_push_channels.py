"""Push channels (issue 14, point 3): reminders reach 企业微信 and 钉钉 robots, an SMS gateway and
SMTP, each a real receiver on 127.0.0.1; the 钉钉 signature checks out when recomputed; a failing
channel is retried with growing pauses, then shown to the office as failed; nothing goes anywhere
not configured; secrets are never in the read models."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from builders import DistrictBuilder
from processes import free_port

from domain.errors import InputProblems
from domain.push_channels import ChannelKind, check_settings
from domain.reminders import OFFICE
from duban.delivery import DeliveryJob
from duban.reminding import ReminderJob
from projections.messages import MessageQueries
from projections.read_side import ReadSide

FEB24, MAR02, MAR03 = date(2026, 2, 24), date(2026, 3, 2), date(2026, 3, 3)
SECRET = "SEC0123456789abcdef"


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps every request (path, query, headers, body) and answers
    ``status`` with ``answer``."""

    def __init__(self, status: int = 200, answer: dict | None = None) -> None:
        self.requests: list[dict] = []
        self.status, self.answer = status, answer or {"errcode": 0, "errmsg": "ok"}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                receiver.requests.append({"path": parts.path, "query": parts.query, "headers": dict(self.headers),
                                          "body": body})
                payload = json.dumps(receiver.answer).encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    started: list[Receiver] = []

    def start(**options) -> Receiver:
        started.append(Receiver(**options))
        return started[-1]

    yield start
    for r in started:
        r.close()


@pytest.fixture
def mailbox():
    """An SMTP receiver on 127.0.0.1 (aiosmtpd): the messages it accepted."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self) -> None:
            self.messages: list = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                  message_from_bytes(envelope.content, policy=policy.default)))
            return "250 OK"

    handler = Keep()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def world(app, clock):
    clock.set(FEB24)
    return DistrictBuilder(app).units(A="晴川街", B="区住建局").leaders(V1="vice_head").place(A="V1").build()


def remind_and_deliver(app, world, day: date, job: DeliveryJob | None = None, now: datetime | None = None):
    """The worker's jobs by hand: reminders of ``day`` (after an item assigned that day), then sending."""
    read_side = ReadSide(app.store)
    read_side.catch_up()
    reminders = ReminderJob(app, read_side.read_models)
    reminders.daily(world.district, day)
    reminders.activity(world.district, day)
    read_side.catch_up()
    job = job or DeliveryJob(app, read_side.read_models)
    job.messages = MessageQueries(read_side.read_models)
    job.run(world.district, now)
    read_side.catch_up()
    return read_side, job


@pytest.mark.stores("memory")
def test_a_channel_with_bad_settings_is_refused_with_every_problem_at_once():
    with pytest.raises(InputProblems) as refused:
        check_settings(ChannelKind.SMS, {"gateway": "ftp://x", "phones": "abc", "template": "没有占位符"})
    assert {p.field for p in refused.value.problems} == {"gateway", "phones", "template"}
    with pytest.raises(InputProblems) as refused:
        check_settings(ChannelKind.EMAIL, {"port": "99999", "sender": "nobody", "to": ""})
    assert {p.field for p in refused.value.problems} == {"host", "port", "sender", "to"}


def test_each_kind_of_channel_receives_the_reminder_with_its_payload(app, clock, world, receivers, mailbox):
    wecom, dingtalk, sms = receivers(), receivers(), receivers(answer={"code": "OK"})
    unit_a = f"unit:{world.unit_ids['A'].hex}"
    office = world.office
    app.configure_push_channel(ChannelKind.WECOM, unit_a, {"webhook": f"{wecom.url}/cgi-bin/webhook/send?key=wecom-key-1"}, office)
    app.configure_push_channel(ChannelKind.DINGTALK, unit_a,
                               {"webhook": f"{dingtalk.url}/robot/send?access_token=ding-token-1", "secret": SECRET}, office)
    app.configure_push_channel(ChannelKind.SMS, unit_a, {
        "gateway": f"{sms.url}/sms/send", "phones": "13800138000, 13900139000", "token": "gateway-token",
        "template": '{"to": "{手机号码}", "sign": "汉阳区督查室", "content": "{内容}"}'}, office)
    app.configure_push_channel(ChannelKind.EMAIL, unit_a, {
        "host": "127.0.0.1", "port": str(mailbox.port), "sender": "duban@hanyang.gov.cn",
        "to": "qingchuan@hanyang.gov.cn"}, office)
    # when an item is assigned to A (an activity reminder, pushed) and the worker sends
    world.item(lead="A", title="背街小巷整治", deadline=date(2026, 3, 31))
    read_side, _ = remind_and_deliver(app, world, FEB24)
    text = "【督办提醒】督〔2026〕1号《背街小巷整治》已交办给本单位，请及时签收。"

    # 企业微信: a text message to the webhook, its key kept
    assert len(wecom.requests) == 1 and wecom.requests[0]["query"] == "key=wecom-key-1"
    assert json.loads(wecom.requests[0]["body"]) == {"msgtype": "text", "text": {"content": text}}
    # 钉钉: the same body, signed: sign = base64(HMAC-SHA256(secret, "timestamp\nsecret")), URL-encoded
    (ding,) = dingtalk.requests
    query = parse_qs(ding["query"])
    assert query["access_token"] == ["ding-token-1"] and json.loads(ding["body"])["text"]["content"] == text
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest())
    assert query["sign"][0] == expected.decode()  # parse_qs undid the URL-encoding
    assert unquote_plus(ding["query"].split("sign=")[1]) == expected.decode()
    assert abs(int(timestamp) / 1000 - datetime.now(timezone.utc).timestamp()) < 60
    # SMS: the template filled in, the gateway's token in the header
    (message,) = sms.requests
    assert message["headers"]["Authorization"] == "Bearer gateway-token"
    assert json.loads(message["body"]) == {"to": "13800138000,13900139000", "sign": "汉阳区督查室", "content": text}
    # e-mail
    ((sender, to, mail),) = mailbox.messages
    assert sender == "duban@hanyang.gov.cn" and to == ["qingchuan@hanyang.gov.cn"]
    assert mail["Subject"] == "督办提醒：背街小巷整治" and "已交办给本单位" in mail.get_content()

    # and every delivery is recorded as delivered; no secret is in the read models
    dump = read_side.dump()
    statuses = [dict(row)["status"] for row in dump["rm_deliveries"]]
    assert statuses == ["delivered"] * 4
    assert not any(secret in repr(dump) for secret in (SECRET, "gateway-token", "wecom-key-1", "ding-token-1"))
    targets = {c.kind: c.target for c in MessageQueries(read_side.read_models).channels(world.district)}
    assert targets["sms"] == "127.0.0.1：138****8000、139****9000" and targets["wecom"] == "127.0.0.1"


def test_nothing_is_sent_where_no_channel_is_configured(app, clock, world, receivers):
    wecom = receivers()
    app.configure_push_channel(ChannelKind.WECOM, OFFICE, {"webhook": f"{wecom.url}/send?key=K"}, world.office)
    world.item(lead="B", title="只交办给区住建局", deadline=date(2026, 3, 31))  # B and its leader have no channel
    read_side, _ = remind_and_deliver(app, world, FEB24)
    assert wecom.requests == [] and read_side.dump()["rm_deliveries"] == []


def test_a_failing_channel_is_retried_with_growing_pauses_then_shown_as_failed(app, clock, world, receivers):
    broken = receivers(status=500)
    unit_a = f"unit:{world.unit_ids['A'].hex}"
    app.configure_push_channel(ChannelKind.WECOM, unit_a, {"webhook": f"{broken.url}/send?key=K"}, world.office)
    world.item(lead="A", title="路灯维修", deadline=date(2026, 3, 31))
    read_side = ReadSide(app.store)
    read_side.catch_up()
    ReminderJob(app, read_side.read_models).activity(world.district, FEB24)  # 路灯维修 assigned to A
    read_side.catch_up()
    job = DeliveryJob(app, read_side.read_models, max_attempts=3, first_retry_seconds=60)
    messages = job.messages
    start = datetime.now(timezone.utc)
    assert job.run(world.district, start) == 1  # attempt 1 fails: again after 60 s
    read_side.catch_up()
    assert job.run(world.district, start + timedelta(seconds=59)) == 0  # not yet
    assert job.run(world.district, start + timedelta(seconds=61)) == 1  # attempt 2: again after 120 s more
    read_side.catch_up()
    assert job.run(world.district, start + timedelta(seconds=61 + 119)) == 0
    assert messages.failed_count(world.district) == 0
    assert job.run(world.district, start + timedelta(seconds=61 + 121)) == 1  # attempt 3, the last
    read_side.catch_up()
    assert len(broken.requests) == 3
    (failed,) = messages.failed_deliveries(world.district)
    assert (failed.status, failed.attempts, failed.error) == ("failed", 3, "对方服务器返回错误（状态码500）")
    assert "路灯维修" in failed.text
    assert job.run(world.district, start + timedelta(days=1)) == 0  # given up: never tried again


def test_a_running_worker_reminds_and_pushes_once_and_a_restarted_one_adds_nothing(app, clock, world, receivers,
                                                                                 store_env):
    from duban.application import Duban
    from duban.worker import Worker

    wecom = receivers()
    unit_a = f"unit:{world.unit_ids['A'].hex}"
    app.configure_push_channel(ChannelKind.WECOM, unit_a, {"webhook": f"{wecom.url}/send?key=k"}, world.office)
    world.item(lead="A", title="垃圾清运", deadline=date(2026, 3, 31))  # assigned today: pushed at once

    def run_worker() -> tuple[int, int]:
        """A worker on its own service, run until its reminders are produced and pushed; then stopped."""
        service = Duban(env=store_env, clock=clock)
        worker = Worker(service, poll_seconds=0.05, standby_seconds=0.1)
        worker.delivery_seconds = 0.05
        worker.start()
        try:
            assert worker.wait_until_acting(10)
            deadline = datetime.now() + timedelta(seconds=20)
            while datetime.now() < deadline:
                reader = ReadSide(service.store, writer=False)
                rows = reader.dump()
                if rows["rm_deliveries"] and all(dict(r)["status"] == "delivered" for r in rows["rm_deliveries"]) \
                        and reader.position() >= (service.store.recorder.max_notification_id() or 0):
                    break
                threading.Event().wait(0.1)
            return len(rows["rm_messages"]), len(rows["rm_deliveries"])
        finally:
            worker.stop()
            service.close()

    first = run_worker()
    position = app.store.recorder.max_notification_id()
    assert first == (1, 1) and len(wecom.requests) == 1  # 垃圾清运 assigned to A: in the message centre and pushed
    assert "垃圾清运" in json.loads(wecom.requests[0]["body"])["text"]["content"]
    again = run_worker()  # restarted: the day is watched already, the activity seen again is recorded already
    assert again == first and app.store.recorder.max_notification_id() == position and len(wecom.requests) == 1
