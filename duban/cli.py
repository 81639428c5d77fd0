"""The ``duban`` command line."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from domain.actor import Actor, Role
from domain.calendar import parse_schedule
from domain.errors import DomainError
from duban import logging as duban_logging
from duban.clock import FixedClock, SystemClock
from duban.settings import describe, secure_cookies, store_env

console = Console(width=None if sys.stdout.isatty() else 180)


def _date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期应为YYYY-MM-DD格式，收到“{value}”") from None


def _open_app(today: date | None, *, demo: bool = False):
    """The application on the configured store; ``--today`` may move the business day back (to
    replay or train) but never past today in Beijing, except in the throwaway demo store: facts
    recorded on a day that has not come would refuse every later command until it comes."""
    from duban.application import Duban

    real_today = SystemClock().today()
    if today and today > real_today and not demo:
        raise click.UsageError(f"--today 不能晚于今天（北京时间{real_today.isoformat()}），收到{today.isoformat()}。")
    clock = FixedClock(today) if today else SystemClock()
    return Duban(env=store_env(), clock=clock)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="DUBAN_DB",
              help="SQLite file of the embedded store (default var/duban.sqlite3; DATABASE_URL selects PostgreSQL).")
@click.option("--log-level", default="INFO", show_default=True, help="Structured log level (logs go to stderr).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the JSON log lines here.")
@click.pass_context
def main(ctx: click.Context, db: Path | None, log_level: str, log_file: Path | None) -> None:
    """duban 督办 — supervision and accountability tracker for district governments."""
    if db is not None:
        os.environ["DUBAN_DB"] = str(db)
    stream = None
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        stream = log_file.open("a", encoding="utf-8")
        ctx.call_on_close(stream.close)
    duban_logging.configure(log_level, stream)


@main.command()
@click.option("--today", callback=_date, help="The simulated year ends on this day (default: today).")
@click.option("--seeds", type=click.Path(file_okay=False, path_type=Path), envvar="DUBAN_SEEDS_DIR",
              help="Folder of the source documents (default ../shared/seeds).")
@click.option("--db", "demo_db", type=click.Path(dir_okay=False, path_type=Path), default=Path("var/demo.sqlite3"),
              show_default=True, help="SQLite file for the demo; replaced on each run.")
@click.option("--log-file", "demo_log", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("var/demo-log.jsonl"), show_default=True, help="The demo's command log.")
@click.option("--serve/--no-serve", default=False, help="Start the web app on the demo store afterwards.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(today: date | None, seeds: Path | None, demo_db: Path, demo_log: Path, serve: bool, host: str,
         port: int) -> None:
    """Build the demo district from the seeds, simulate a year of work and print the ledger."""
    from duban.application import Duban
    from duban.demo.seeds import SeedsNotFound, load_seed_district
    from duban.demo.simulation import build_demo
    from duban.demo.today import stage_todays_work
    from duban.demo.users import add_demo_users

    today = today or SystemClock().today()
    try:
        seed = load_seed_district(seeds)
    except SeedsNotFound as error:
        raise click.ClickException(str(error)) from None
    if os.environ.get("DATABASE_URL"):
        env = store_env()
    else:
        demo_db.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{demo_db}{suffix}").unlink(missing_ok=True)
        os.environ["DUBAN_DB"] = str(demo_db)
        env = store_env()
    demo_log.parent.mkdir(parents=True, exist_ok=True)
    with demo_log.open("w", encoding="utf-8") as log_stream:
        duban_logging.configure("INFO", log_stream)
        clock = FixedClock(today)
        app = Duban(env=env, clock=clock)
        if app.districts():
            raise click.ClickException(f"{describe(env)} already holds data; the demo needs an empty store.")
        console.print(f"[bold]汉阳区演示数据[/] · {describe(env)} · 模拟至 {today.isoformat()} …")
        summary = build_demo(app, clock, seed, today)
        demo_users = add_demo_users(app, seed)
        staged = stage_todays_work(app, seed, today)
        console.print(
            f"事项 {summary.items} · 督办通知 {summary.notices} · 整改任务 {summary.rectifications} · "
            f"督查 {summary.inspections} · 被规则拒绝的操作 {summary.refused} · 日志 {demo_log}")
        if not serve:
            _print_ledger(app, seed.code, today, open_only=False, limit=None)
    app.close()
    if serve:
        duban_logging.configure("INFO", demo_log.open("a", encoding="utf-8"))  # the app's log goes on there
        console.print(f"日志：{demo_log}")
        _serve(host, port, today, logins=demo_users, staged=staged, demo=True)
    else:
        _print_logins(demo_users, staged)
        console.print(f"\n再次查看：python3 dev.py duban --db {demo_db} ledger --today {today.isoformat()}")
        console.print(f"启动网页：python3 dev.py duban --db {demo_db} serve --today {today.isoformat()}")


def _print_logins(demo_users, staged=()) -> None:
    from duban.demo.users import DEMO_PASSWORD

    console.print(f"\n演示账号（仅供演示，切勿用于正式部署；密码均为 {DEMO_PASSWORD}）：")
    waiting: dict[str, list[str]] = {}
    for work in staged:
        waiting.setdefault(work.user, []).append(work.what)
    for user in demo_users:
        console.print(f"  {user.username:<10} {user.role.label:<6} {user.note}")
        for what in waiting.get(user.username, []):
            console.print(f"             今日待办：{what}", style="dim")


def _serve(host: str, port: int, today: date | None, logins=None, staged=(), with_worker: bool | None = None,
           demo: bool = False) -> None:
    """Serve; on the embedded store (or with ``with_worker``) the worker runs in this process."""
    import uvicorn

    from web.app import create_app
    from web.asgi import UVICORN_OPTIONS

    from duban.worker import Worker

    app = _open_app(today, demo=demo)
    secure = secure_cookies()
    embedded = "sqlite" in app.env.get("PERSISTENCE_MODULE", "")
    in_process = embedded if with_worker is None else with_worker
    console.print(f"存储：{describe(app.env)}" + _worker_note(in_process))
    web_app = create_app(app, secure_cookies=secure,  # applies the read-model migrations
                         worker=Worker(app, watch=True) if in_process else False)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if logins:
        _print_logins(logins, staged)
    console.print(f"\n[bold]督查督办系统已启动：http://{shown}:{port}/[/]  （Ctrl+C 退出）")
    uvicorn.run(web_app, host=host, port=port, log_level="warning", **UVICORN_OPTIONS)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="DUBAN_HOST",
              help="Address to listen on (0.0.0.0 in a container).")
@click.option("--port", default=8000, show_default=True, type=int, envvar="DUBAN_PORT")
@click.option("--today", callback=_date, help="Pretend today is this day (for demos and training).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), envvar="DUBAN_WORKERS",
              help="Web processes; they share the sessions, which live in the store's database.")
@click.option("--worker/--no-worker", "with_worker", default=None,
              help="Run the worker (read models, daily watch) in this process; default: on the embedded store only.")
def serve(host: str, port: int, today: date | None, workers: int, with_worker: bool | None) -> None:
    """Run the web application on the configured store (read-model migrations are applied on
    start).  On the embedded SQLite store the worker runs in the same process; on PostgreSQL run
    ``duban worker`` beside it.  DUBAN_SECRET signs CSRF tokens; set DUBAN_SECURE_COOKIES=1 behind HTTPS."""
    if workers > 1:
        _serve_workers(host, port, today, workers, with_worker)
    else:
        _serve(host, port, today, with_worker=with_worker)


def _worker_note(in_process: bool) -> str:
    return " · 后台任务（读模型更新、每日巡查）在本进程中运行" if in_process else " · 后台任务由 duban worker 运行"


def _serve_workers(host: str, port: int, today: date | None, workers: int, with_worker: bool | None) -> None:
    """Several web processes (uvicorn workers, each building its app with
    ``web.asgi:create_app_from_env``).  The migrations are applied here, before the workers start,
    and on the embedded store (or with ``--worker``) the worker runs in this parent process; the
    web processes get what they share through the environment: the CSRF secret (one made up here
    when DUBAN_SECRET is not set), --today, the log settings."""
    import secrets

    import uvicorn

    from duban.worker import Worker
    from web.asgi import UVICORN_OPTIONS

    app = _open_app(today)
    embedded = "sqlite" in app.env.get("PERSISTENCE_MODULE", "")
    in_process = embedded if with_worker is None else with_worker
    console.print(f"存储：{describe(app.env)}" + _worker_note(in_process))
    app.read_queries()  # the read-model migrations, once, before the web processes start
    worker = Worker(app, watch=True).start() if in_process else None
    if not os.environ.get("DUBAN_SECRET"):
        os.environ["DUBAN_SECRET"] = secrets.token_hex(32)
    if today:
        os.environ["DUBAN_TODAY"] = today.isoformat()
    else:
        os.environ.pop("DUBAN_TODAY", None)
    root = click.get_current_context().find_root().params
    os.environ["DUBAN_LOG_LEVEL"] = root.get("log_level") or "INFO"
    if root.get("log_file"):
        os.environ["DUBAN_LOG_FILE"] = str(Path(root["log_file"]).resolve())
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    console.print(f"\n[bold]督查督办系统已启动：http://{shown}:{port}/[/]  （{workers} 个进程，Ctrl+C 退出）")
    try:
        uvicorn.run("web.asgi:create_app_from_env", factory=True, workers=workers, host=host, port=port,
                    log_level="warning", **UVICORN_OPTIONS)
    finally:
        if worker is not None:
            worker.stop()
        app.close()


@main.command()
@click.option("--today", callback=_date, help="Pretend today is this day (for demos and training).")
@click.option("--poll", default=0.2, show_default=True, type=float,
              help="Seconds between checks for new events when nothing wakes the worker.")
def worker(today: date | None, poll: float) -> None:
    """The worker (后台任务): keeps the read models caught up and runs the daily watch (每日巡查)
    after midnight Beijing time and at start for any day missed.  Several may run: one acts, the
    others wait to take over."""
    from duban.worker import run_forever

    app = _open_app(today)
    console.print(f"后台任务进程 · 存储：{describe(app.env)} · Ctrl+C 退出")
    try:
        run_forever(app, watch=True, poll_seconds=poll)
    finally:
        app.close()


@main.command()
@click.option("--district", "code", default=None, help="区划代码 (six digits), e.g. 420106.")
@click.option("--name", default=None, help="区名, e.g. 洪山区.")
@click.option("--admin", "username", default=None, help="The district's first administrator's user name.")
@click.option("--admin-name", "display_name", default="", help="The administrator's display name.")
@click.option("--deployment-admin", "deployment_admin", default=None,
              help="Instead: add a deployment administrator (平台管理员) with this user name.")
@click.option("--deployment-admin-name", "deployment_name", default="", help="The deployment administrator's display name.")
@click.password_option(help="The new account's password (asked twice when not given).")
def setup(code: str | None, name: str | None, username: str | None, display_name: str, deployment_admin: str | None,
          deployment_name: str, password: str) -> None:
    """Open a district and add its first administrator (both or neither are recorded), or with
    --deployment-admin add a deployment administrator (平台管理员), who opens further districts on the
    page /platform and sees none of their records."""
    from domain.actor import deployment_actor

    district_mode = any(v is not None for v in (code, name, username))
    if deployment_admin is not None and district_mode:
        raise click.UsageError("--deployment-admin 与 --district/--name/--admin 不能同时使用：每次添加一个账号。")
    if deployment_admin is None and not (code and name and username):
        raise click.UsageError("请给出 --district、--name 和 --admin（开设区及其首位管理员），或 --deployment-admin（平台管理员）。")
    from duban.application.checkpoints import ensure_key, key_path

    key = key_path(store_env())
    if ensure_key(key):  # the deployment's signing key of the chain's checkpoints: outside the database
        console.print(f"已生成签名密钥 {key}（请妥善备份，不要放入数据库或代码库）。")
    app = _open_app(None)
    try:
        if deployment_admin is not None:
            who = deployment_admin.strip()
            app.add_deployment_admin(username=who, password=password, display_name=deployment_name.strip(),
                                     actor=deployment_actor(who or "setup"))
        else:
            app.set_up_district(code=code.strip(), name=name.strip(), admin=username.strip(), password=password,
                                display_name=display_name.strip(),
                                actor=Actor(username.strip() or "setup", Role.ADMIN, code.strip()))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        app.close()
    if deployment_admin is not None:
        console.print(f"已添加平台管理员 {deployment_admin.strip()}：duban serve 后登录，在“区管理”页面开设区并添加其首位管理员。")
    else:
        console.print(f"已开设{name.strip()}（{code.strip()}），管理员 {username.strip()} 可以登录：duban serve 后打开 /admin，"
                      "导入花名册、添加用户。")


@main.group()
def users() -> None:
    """User accounts (用户) of one district: add, disable, reset passwords."""


def _admin(district: str) -> Actor:
    return Actor(os.environ.get("USER", "admin"), Role.ADMIN, district)


def _district_account(app, username: str, district: str | None, deployment: bool):
    """The account ``username`` of the district named (or, with ``deployment``, a deployment
    administrator's) and the actor to change it as; an account elsewhere is refused by name."""
    from domain.actor import DEPLOYMENT, deployment_actor

    if deployment == (district is not None):
        raise click.UsageError("请用 --district 指明用户所属的区（或用 --deployment 指平台管理员）。")
    account = app.user(username)
    where = "平台管理员中" if deployment else f"区划代码为{district}的区"
    if account is None or account.district != (DEPLOYMENT if deployment else district):
        raise click.ClickException(f"{where}没有用户 {username}（用户只能在其所属的区内管理）。")
    return account, (deployment_actor(os.environ.get("USER", "setup")) if deployment else _admin(district))


@users.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role
                                                           if r not in (Role.SYSTEM, Role.DEPLOYMENT_ADMIN)]))
@click.option("--district", required=True, help="District code, e.g. 420105.")
@click.option("--unit", "unit_code", default=None, help="Unit code, for unit users.")
@click.option("--leader", "leader_code", default=None, help="Leader code, for leaders.")
@click.option("--name", "display_name", default="", help="Display name.")
@click.password_option(help="The password (asked twice when not given).")
def users_add(username, role, district, unit_code, leader_code, display_name, password) -> None:
    """Add a user account to the district named."""
    app = _open_app(None)
    try:
        unit = app.unit_by_code(district, unit_code).id if unit_code else None
        leader = app.leader_by_code(district, leader_code).id if leader_code else None
        app.add_user(username=username, password=password, role=Role(role), district=district,
                     actor=_admin(district), display_name=display_name, unit=unit, leader=leader)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        app.close()
    console.print(f"已添加用户 {username}。")


@users.command("disable")
@click.argument("username")
@click.option("--district", default=None, help="The district the user belongs to, e.g. 420105.")
@click.option("--deployment", is_flag=True, help="The user is a deployment administrator (平台管理员).")
def users_disable(username, district, deployment) -> None:
    """Disable a user account of the district named (it is kept, never deleted)."""
    app = _open_app(None)
    try:
        _, actor = _district_account(app, username, district, deployment)
        app.disable_user(username, actor)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        app.close()
    console.print(f"已停用用户 {username}。")


@users.command("reset-password")
@click.argument("username")
@click.option("--district", default=None, help="The district the user belongs to, e.g. 420105.")
@click.option("--deployment", is_flag=True, help="The user is a deployment administrator (平台管理员).")
@click.password_option(help="The new password (asked twice when not given).")
def users_reset_password(username, district, deployment, password) -> None:
    """Set a new password for a user of the district named."""
    app = _open_app(None)
    try:
        _, actor = _district_account(app, username, district, deployment)
        app.reset_password(username, password, actor)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        app.close()
    console.print(f"已重置用户 {username} 的密码。")


@main.group()
def roster() -> None:
    """The district's roster (花名册): units and leaders' portfolios from an .xlsx workbook."""


@roster.command("template")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def roster_template(file: Path) -> None:
    """Write the roster template (花名册导入模板: 单位, 领导分工, 填写说明) to FILE."""
    from documents.roster_import import roster_template as template

    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(template())
    console.print(f"已写入花名册导入模板：{file}")


@roster.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--district", required=True, help="District code, e.g. 420111.")
@click.option("--effective", callback=_date, help="The portfolios take effect on this day (default: today).")
@click.option("--dry-run", is_flag=True, help="Check the file and report; record nothing.")
def roster_import(file: Path, district: str, effective: date | None, dry_run: bool) -> None:
    """Import the district's units and leaders' portfolios from FILE (made from the template): all or
    nothing, every error listed with its sheet, row and column; importing it again creates nothing."""
    from documents.roster_import import read_roster
    from duban.application.roster import RosterRefused

    app = _open_app(None)
    try:
        code = _district_code(app, district)
        plan = read_roster(file.read_bytes(), [u.name for u in app.units(code) if u.active])
        result = app.import_roster(plan, _admin(code), effective=effective, dry_run=dry_run)
    except RosterRefused as refused:
        for message in refused.messages():
            console.print(f"[red]{message}[/red]")
        raise click.ClickException(refused.message) from None
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        app.close()
    console.print(("检查通过（--dry-run，未记录）：" if dry_run else "") + result.message + "。")


@main.command()
@click.option("--today", callback=_date, help="Record facts up to this day (default: today).")
def tick(today: date | None) -> None:
    """Record deadlines missed, monthly reports missed and replies overdue (safe to repeat)."""
    app = _open_app(today)
    report = app.tick(today)  # on the read side's open records, caught up first
    console.print(
        f"{report.today.isoformat()}：逾期 {report.deadlines_missed}，未按月报送 {report.monthly_reports_missed}，"
        f"通知逾期 {report.notices_overdue}，整改逾期 {report.rectifications_overdue}，自动催办 {report.automatic_urges}"
        + (f"，估算时限复核 {report.deadlines_settled}" if report.deadlines_settled else "")
        + (f"，冲突待下次 {report.conflicts}" if report.conflicts else ""))
    app.close()


@main.group()
def calendar() -> None:
    """The working-day calendar (工作日历)."""


@calendar.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", default=lambda: os.environ.get("USER", "admin"), help="Who loads it (for the record).")
def calendar_load(file: Path, user: str) -> None:
    """Load a year's published holiday schedule from FILE (the deployment operator's tool).

    One line per entry: ``2027-02-06..2027-02-13 休 春节`` or ``2027-02-14 班 春节调休``;
    ``#`` starts a comment.  Loading a year again replaces it.  Every deadline counted on an estimate
    is then counted again: confirmed, or corrected (listed here and on the office's 时限调整记录 page),
    and a miss the new day disproves is withdrawn.  Running servers use the schedule at once.
    """
    from domain.actor import deployment_actor

    app = _open_app(None)
    try:
        schedule = parse_schedule(file.read_text(encoding="utf-8"))
        loaded = app.load_calendar(schedule, file.name, deployment_actor(user))  # reviews what the read side lists
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        app.close()
    console.print(f"已载入{schedule.year}年：休息日 {len(schedule.holidays)} 天，调休上班 {len(schedule.workdays)} 天。")
    review = loaded.review
    console.print(f"估算时限复核：确认不变 {review.confirmed} 项，更正 {len(review.corrected)} 项，"
                  f"撤销逾期记录 {review.withdrawn} 项" + (f"，冲突待每日巡查 {review.conflicts} 项" if review.conflicts else "")
                  + "。")
    for change in review.corrected:
        console.print(f"  {change.number} {change.title[:28]}：{change.old.isoformat()} → {change.new.isoformat()}"
                      + ("（撤销逾期记录）" if change.withdrawn else ""))


@calendar.command("show")
@click.argument("year", type=int)
def calendar_show(year: int) -> None:
    """Show the days off and adjusted working days of YEAR."""
    app = _open_app(None)
    cal = app.calendar()
    start = date(year, 1, 1)
    official = cal.has_official_data(year)
    console.print(f"{year}年：" + ("有官方数据" if official else "无官方数据，按周一至周五估算"))
    day, off, on = start, [], []
    while day.year == year:
        weekday = day.weekday() < 5
        if cal.is_workday(day) != weekday:
            (on if cal.is_workday(day) else off).append(day.strftime("%m-%d"))
        day = date.fromordinal(day.toordinal() + 1)
    console.print("工作日休息：" + ("、".join(off) or "无"))
    console.print("周末上班：" + ("、".join(on) or "无"))
    app.close()


@main.group()
def projections() -> None:
    """Read models (台账、排名、预警): catch up with the events, or rebuild them."""


@projections.command("catch-up")
def projections_catch_up() -> None:
    """Apply the events recorded since the last run."""
    from duban.worker import WorkerBusy, exclusive_read_side

    app = _open_app(None)
    try:
        read_side, lock = exclusive_read_side(app)
    except WorkerBusy as busy:
        app.close()
        raise click.ClickException(f"{busy}（运行中的后台任务会自动更新读模型。）") from None
    try:
        report = read_side.catch_up()
    finally:
        lock.release()
    console.print(f"已处理事件 {report.events} 条，当前位置 {report.position}。")
    app.close()


@projections.command("rebuild")
def projections_rebuild() -> None:
    """Drop every read model and rebuild it from the events, with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from duban.worker import WorkerBusy, exclusive_read_side

    app = _open_app(None)
    try:
        read_side, lock = exclusive_read_side(app)
    except WorkerBusy as busy:
        app.close()
        raise click.ClickException(str(busy)) from None
    total = app.store.recorder.max_notification_id() or 0
    with Progress(TextColumn("重建读模型"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("rebuild", total=total)
        try:
            report = read_side.rebuild(progress=lambda position, last: bar.update(task, completed=position, total=last))
        finally:
            lock.release()
    console.print(f"已重建：事件 {report.events} 条，{report.batches} 批，用时 {report.seconds:.1f} 秒。")
    app.close()


@main.command()
@click.option("--district", default=None, help="District code (default: the only district).")
@click.option("--today", callback=_date, help="Compute overdue days as of this day (default: today).")
@click.option("--as-of", callback=_date, help="The ledger as it stood at the end of this past day.")
@click.option("--open-only", is_flag=True, help="Only entries not yet signed off.")
@click.option("--limit", type=int, default=None, help="Show at most this many rows.")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the ledger to this .xlsx file instead of printing it (台账导出).")
@click.option("--closed-only", is_flag=True, help="Only entries signed off (the closed ledger, 已销号台账).")
@click.option("--rectifications", is_flag=True, help="The rectification ledger (整改台账) instead of items.")
def ledger(district: str | None, today: date | None, as_of: date | None, open_only: bool, limit: int | None,
           xlsx: Path | None, closed_only: bool, rectifications: bool) -> None:
    """Print the ledger (台账): items and rectification tasks with status, deadline and days overdue;
    or, with --xlsx, write it as a workbook in the columns offices use."""
    app = _open_app(today)
    code = _district_code(app, district)
    day = today or SystemClock().today()
    if xlsx is None:
        _print_ledger(app, code, day, open_only=open_only, limit=limit, as_of=as_of)
    else:
        _write_ledger_xlsx(app, code, day, xlsx, as_of=as_of, open_only=open_only, closed_only=closed_only,
                           rectifications=rectifications)
    app.close()


def _write_ledger_xlsx(app, district: str, today: date, path: Path, *, as_of: date | None, open_only: bool,
                       closed_only: bool, rectifications: bool) -> None:
    from documents.ledger_xlsx import LedgerSheet, ledger_workbook

    if open_only and closed_only:
        raise click.UsageError("--open-only 与 --closed-only 只能选一个。")
    kinds = ("rectification",) if rectifications else ("item", "subtask")
    rows = app.caught_up_queries().ledger.rows(
        district, today, as_of=as_of, open_only=open_only, closed_only=closed_only, kinds=kinds)
    name = ("整改台账" if rectifications else "督办事项台账") if not closed_only else (
        "整改已销号台账" if rectifications else "督办事项已销号台账")
    sheet = LedgerSheet(district=app.district(district).name, ledger=name, as_of=as_of or today)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ledger_workbook(rows, sheet))
    console.print(f"已导出 {len(rows)} 条：{path}（{sheet.title}）")


@main.command()
@click.option("--district", default=None, help="District code (default: the only district).")
@click.option("--period", required=True, help="2026-03 (month), 2026-Q1 (quarter) or 2026 (year).")
@click.option("--scheme", default=None, help="Scoring scheme version (default: the newest).")
@click.option("--as-of", callback=_date, help="Count only facts up to this day.")
@click.option("--explain", "explain", default=None, help="Show the score lines of the unit with this name.")
def ranking(district: str | None, period: str, scheme: str | None, as_of: date | None, explain: str | None) -> None:
    """Rank the units for a period under a scoring scheme (综合排名), with interview candidates."""
    from projections.ranking import latest_scheme

    app = _open_app(None)
    code = _district_code(app, district)
    rankings = app.caught_up_queries().rankings
    version = scheme or latest_scheme()
    try:
        scores = rankings.ranking(code, period, version, as_of=as_of)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    table = Table(title=f"综合排名 · {app.district(code).name} · {period} · 记分办法 {version}")
    for header in ("名次", "单位", "得分", "约谈"):
        table.add_column(header)
    for score in scores:
        table.add_row(str(score.rank), score.unit_name, f"{score.score:g}", "是" if score.interview_candidate else "")
    console.print(table)
    for ranked in scores:
        if explain and ranked.unit_name == explain:
            score = rankings.explanation(code, ranked.unit_id, period, version, as_of=as_of, ranked=scores)
            console.print(f"{score.unit_name}：基础分 100")
            for line in score.lines:
                events = "、".join(f"#{n}" for n in line.notification_ids[:8])
                more = "…" if len(line.notification_ids) > 8 else ""
                console.print(f"  {line.label} ×{line.count:g}：{line.points:+g} 分（事件 {events}{more}）")
    app.close()


@main.command()
@click.option("--district", default=None, help="District code (default: the only district).")
@click.option("--period", default=None, help="2026-03 (month), 2026-Q1 (quarter) or 2026 (year).")
@click.option("--year", type=int, default=None,
              help="Every bulletin of this year instead: each month, each quarter and the year, so far.")
@click.option("--scheme", default=None, help="Scoring scheme version for the ranking (default: the newest).")
@click.option("--today", callback=_date, help="Figures stand at the end of the period or this day (default: today).")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="The .docx file (with --period) or folder (with --year); default: the current folder.")
def bulletin(district: str | None, period: str | None, year: int | None, scheme: str | None, today: date | None,
             out: Path | None) -> None:
    """Write the bulletin (督查通报) on a period as a Word document; with --year, every bulletin of
    the year, with a progress bar.  Past periods come out the same however much was recorded since."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from documents.bulletin_docx import bulletin_document, bulletin_filename
    from projections.ranking import Period, latest_scheme

    if (period is None) == (year is None):
        raise click.UsageError("请给出 --period（一期通报）或 --year（全年各期通报）之一。")
    app = _open_app(today)
    code = _district_code(app, district)
    day = today or SystemClock().today()
    queries = app.caught_up_queries().bulletins
    version = scheme or latest_scheme()
    name = app.district(code).name
    try:
        if period is not None:
            facts = queries.bulletin(code, name, period, version, day)
            target = out if out is not None and out.suffix == ".docx" else (out or Path(".")) / bulletin_filename(facts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(bulletin_document(facts))
            console.print(f"已生成通报：{target}（{facts.period.words}，截至{facts.as_of.isoformat()}）")
            return
        periods = [p for p in Period.of_year(year) if p.first <= day]
        if not periods:
            raise click.ClickException(f"{year}年尚未开始，没有可生成的通报。")
        folder = out or Path(".")
        folder.mkdir(parents=True, exist_ok=True)
        with Progress(TextColumn("生成通报 {task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=console) as bar:
            task = bar.add_task("", total=len(periods))
            for p in periods:
                bar.update(task, description=p.words)
                facts = queries.bulletin(code, name, p, version, day)
                (folder / bulletin_filename(facts)).write_bytes(bulletin_document(facts))
                bar.advance(task)
        console.print(f"已生成{len(periods)}期通报：{folder}")
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        app.close()


@main.group()
def escalation() -> None:
    """Escalation rules (督办升级规则): try a proposed rule set on a past period."""


@escalation.command("backtest")
@click.option("--rules", "rules_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The proposed rule set, a TOML file laid out like domain/escalation_rules/2026-v1.toml.")
@click.option("--period", required=True, help="2026-03 (month), 2026-Q1 (quarter) or 2026 (year).")
@click.option("--district", default=None, help="District code (default: the only district).")
@click.option("--current", default=None, help="The rule set in force to compare with (default: the newest version).")
def escalation_backtest(rules_file: Path, period: str, district: str | None, current: str | None) -> None:
    """The current and the proposed rule sets side by side over the period's events (回测): the steps
    each would have recommended, per unit, and the records where they differ.  Records nothing."""
    from domain.escalation import EscalationRules, available_rules
    from domain.escalation_proposal import proposed_rules
    from duban.worker import caught_up_read_side
    from projections.backtest_comparison import STEPS, compare_rules
    from projections.escalation import EscalationQueries

    app = _open_app(None)
    try:
        code = _district_code(app, district)
        try:
            text = rules_file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise click.ClickException("升级规则文件应为UTF-8编码的文本文件（TOML格式）。") from None
        try:
            proposed = proposed_rules(text)
            in_force = EscalationRules.load(current or available_rules()[-1])
            found = compare_rules(EscalationQueries(caught_up_read_side(app).read_models), code, period,
                                  SystemClock().today(), in_force, proposed)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        table = Table(title=f"升级规则回测 · {app.district(code).name} · {found.period.words}"
                            f"（{found.first.isoformat()}至{found.last.isoformat()}）"
                            f" · 现行：{in_force.title} · 拟议：{proposed.title}")
        table.add_column("单位")
        for step in STEPS:
            table.add_column(f"{step.label}\n现行/拟议", justify="right")
        table.add_column("合计\n现行/拟议", justify="right")
        for unit in found.units:
            table.add_row(unit.unit, *(f"{a}/{b}" for a, b in zip(unit.current, unit.proposed)),
                          f"{unit.current_total}/{unit.proposed_total}")
        table.add_row("合计", *(f"{a}/{b}" for a, b in zip(found.current_totals, found.proposed_totals)),
                      f"{sum(found.current_totals)}/{sum(found.proposed_totals)}")
        console.print(table)
        console.print(f"两套规则建议不同的记录 {len(found.differing)} 件：")
        for record in found.differing:
            said = ["、".join(f"{step.label}（{day.isoformat()}）" for step, day in steps) or "无"
                    for steps in (record.current, record.proposed)]
            console.print(f"  {record.number} {record.title}（{record.unit}）：现行 {said[0]}；拟议 {said[1]}")
        console.print("回测只读取历史记录，未记录任何内容。")
    finally:
        app.close()


@main.command("import-items")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--district", default=None, help="District code (default: the only district).")
@click.option("--dry-run", is_flag=True, help="Check the file and report; record nothing.")
def import_items(file: Path, district: str | None, dry_run: bool) -> None:
    """Import supervised items (督办事项) from an .xlsx made from the template: all or nothing,
    every error listed; importing the same file again creates nothing."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from documents.item_import import read_items
    from duban.application.imports import ImportRefused

    app = _open_app(None)
    code = _district_code(app, district)
    units = {u.name: u.id for u in app.units(code) if u.active}
    plan = read_items(file.read_bytes(), units)
    actor = Actor(os.environ.get("USER", "office"), Role.OFFICE, code)
    try:
        if not plan.ok:
            raise ImportRefused(list(plan.errors))
        if dry_run:
            result = app.import_items(plan, actor, dry_run=True)
            console.print(f"检查通过（--dry-run，未记录）：{result.message}。")
            app.close()
            return
        with Progress(TextColumn("导入督办事项"), BarColumn(), MofNCompleteColumn(), console=console) as bar:
            task = bar.add_task("import", total=len(plan.rows) or 1)
            result = app.import_items(plan, actor, progress=lambda done, total: bar.update(task, completed=done,
                                                                                            total=total))
            bar.update(task, completed=len(plan.rows) or 1)
    except ImportRefused as refused:
        for message in refused.messages():
            console.print(f"[red]{message}[/red]")
        app.close()
        raise click.ClickException(refused.message) from None
    except DomainError as error:
        app.close()
        raise click.ClickException(error.message) from None
    console.print(result.message + "。")
    app.close()


@main.command("import-template")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--district", default=None, help="District code (default: the only district).")
def import_template(file: Path, district: str | None) -> None:
    """Write the import template (督办事项导入模板) to FILE, its example row naming units of the
    district (without any district yet: a placeholder the import refuses until it is replaced)."""
    from documents.item_import import import_template as template

    app = _open_app(None)
    try:
        names = []
        if district is not None or app.districts():
            names = [u.name for u in app.units(_district_code(app, district)) if u.active]
    finally:
        app.close()
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(template(names))
    console.print(f"已写入导入模板：{file}" + ("" if names else "（本区尚无单位，示例中的单位请换成本区单位全称）"))


def _district_code(app, district: str | None) -> str:
    """The district asked for, or the only one; a clear error when there is none."""
    districts = [d.district for d in app.districts()]
    if not districts:
        raise click.ClickException("没有数据：先运行 duban demo，或设置 DUBAN_DB / DATABASE_URL。")
    code = district or districts[0]
    if code not in districts:
        raise click.ClickException(f"没有区划代码为{code}的区。")
    return code


def _print_ledger(app, district: str, today: date, *, open_only: bool, limit: int | None,
                  as_of: date | None = None) -> None:
    from projections.ledger import status_counts

    rows = app.caught_up_queries().ledger.rows(district, today, as_of=as_of)
    shown = [r for r in rows if r.is_open] if open_only else rows
    table = Table(title=f"督办台账 · {app.district(district).name} · 截至 {(as_of or today).isoformat()}", show_lines=False)
    for header in ("编号", "来源", "督办事项 / 问题", "牵头单位", "办理时限", "状态", "进度", "逾期工作日", "催办", "通知"):
        table.add_column(header, overflow="fold")
    for row in shown[:limit] if limit else shown:
        deadline = row.deadline.isoformat() if row.deadline else ""
        if row.deadline_estimated:
            deadline += "*"
        overdue = f"[red]{row.working_days_overdue}[/]" if row.working_days_overdue else ""
        table.add_row(row.number, row.source, row.title[:28], row.lead_unit, deadline, row.status_label,
                      f"{row.progress}%", overdue, str(row.urges or ""), str(row.notices or ""))
    console.print(table)
    counts = status_counts(rows)
    console.print("状态统计：" + "，".join(f"{k[1]}（{'事项' if k[0] == 'item' else '整改'}）{v}"
                                     for k, v in sorted(counts.items())))
    if any(r.deadline_estimated for r in rows):
        console.print("* 时限所在年份尚无官方节假日数据，按周一至周五估算；可用 duban calendar load 载入，"
                      "载入后估算的时限自动复核（调整见督查室“时限调整记录”）。")


def _register_chain_commands() -> None:
    from duban.cli_chain import register

    register(main, _open_app)


_register_chain_commands()


if __name__ == "__main__":
    sys.exit(main())
