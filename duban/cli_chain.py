"""The ``duban verify``, ``duban checkpoint …`` and ``duban chain export`` commands (记录链)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _verification_lines(app, result) -> list[str]:
    """The verification in people's words (Chinese), as the page says it."""
    lines = []
    if result.problem is None:
        lines.append(f"{result.district}：记录链完整，共{result.length}条事件，链头 {result.head[:16]}…")
    else:
        p = result.problem
        lines.append(f"{result.district}：记录链在第{p.position}条事件处断开：该事件{p.kind_label}"
                     f"（{app.describe_record(p.record)} 第{p.version}条事件）；此前{result.length}条完好。")
    c = result.checkpoint
    if c is not None:
        if c.signature_valid and c.matches:
            lines.append(f"检查点（第{c.sequence}号，{c.signed_at}，覆盖{c.length}条）签名有效，前{c.length}条事件与签名时一致。")
        else:
            lines.append(f"检查点（第{c.sequence}号，{c.signed_at}，覆盖{c.length}条）不符：{c.reason}")
    return lines


def register(main: click.Group, open_app) -> None:
    @main.command()
    @click.option("--district", default=None, help="Only this district (default: every chain, the deployment's '*' too).")
    @click.option("--checkpoint", "checkpoint_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="A checkpoint file (duban checkpoint export): its signature and the chain's prefix are checked.")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object per district instead.")
    def verify(district: str | None, checkpoint_file: Path | None, as_json: bool) -> None:
        """Recompute the hash chain of the events and name the first event edited, deleted, reordered
        or inserted.  Exit status 1 when a chain is broken or the checkpoint does not hold."""
        from duban.application.checkpoints import Checkpoint

        try:
            checkpoint = Checkpoint.from_json(checkpoint_file.read_text(encoding="utf-8")) if checkpoint_file else None
        except (KeyError, TypeError, ValueError):
            raise click.UsageError(f"{checkpoint_file} 不是检查点文件（应由 duban checkpoint export 导出）。") from None
        if checkpoint and district and checkpoint.district != district:
            raise click.UsageError(f"检查点属于{checkpoint.district}，不是{district}。")
        app = open_app(None)
        intact = True
        try:
            districts = [district or checkpoint.district] if (district or checkpoint) else app.chain_districts()
            for code in districts:
                result = app.verify_chain(code, checkpoint if checkpoint and checkpoint.district == code else None)
                intact = intact and result.intact
                if as_json:
                    p, c = result.problem, result.checkpoint
                    click.echo(json.dumps({
                        "district": code, "intact": result.intact, "length": result.length, "head": result.head,
                        "problem": None if p is None else {"position": p.position, "kind": p.kind, "record": p.record,
                                                           "version": p.version},
                        "checkpoint": None if c is None else {"signature_valid": c.signature_valid,
                                                              "matches": c.matches, "length": c.length}}))
                else:
                    for line in _verification_lines(app, result):
                        click.echo(line)
        finally:
            app.close()
        sys.exit(0 if intact else 1)

    @main.group()
    def checkpoint() -> None:
        """Signed checkpoints (签名检查点) of the hash chain."""

    @checkpoint.command("sign")
    def checkpoint_sign() -> None:
        """Sign today's checkpoint of every chain not yet signed today (the worker does it daily)."""
        app = open_app(None)
        try:
            for c in app.sign_checkpoints():
                click.echo(f"{c.district}：第{c.sequence}号检查点，覆盖{c.length}条事件，链头 {c.head[:16]}…")
        finally:
            app.close()

    @checkpoint.command("export")
    @click.option("--district", required=True, help="District code, e.g. 420105.")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: stdout).")
    def checkpoint_export(district: str, out: Path | None) -> None:
        """The district's latest signed checkpoint as a small JSON file, to keep outside the system."""
        app = open_app(None)
        try:
            latest = app.latest_checkpoint(district)
        finally:
            app.close()
        if latest is None:
            raise click.ClickException(f"{district}尚无签名检查点（worker 每天签署一次，或运行 duban checkpoint sign）。")
        if out:
            out.write_text(latest.to_json(), encoding="utf-8")
        else:
            click.echo(latest.to_json(), nl=False)

    @main.group()
    def chain() -> None:
        """The hash chain of the events (记录链)."""

    @chain.command("export")
    @click.option("--district", required=True, help="District code, e.g. 420105 ('*': the deployment's records).")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: stdout).")
    def chain_export(district: str, out: Path | None) -> None:
        """JSON lines of the district's events and links for tools/verify_chain.py (standard library only)."""
        app = open_app(None)
        try:
            lines = list(app.export_chain(district))
        finally:
            app.close()
        text = "\n".join(lines) + "\n"
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
