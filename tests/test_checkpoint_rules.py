"""The checkpoint record's rules (链检查点记录), store-free: only the system signs, and a checkpoint
never covers a shorter chain than the one before it (a deleted tail cannot be signed over)."""

from __future__ import annotations

from datetime import date

from domain_harness import given, when

from domain.actor import Actor, Role, system_actor
from domain.checkpoint import ChainCheckpoints

DAY = date(2026, 3, 2)
SYSTEM = system_actor("420105")
HEAD = "ab" * 32


def signed(length: int, head: str = HEAD, actor: Actor = SYSTEM, on: date = DAY):
    return lambda record: record.sign(length, head, f"{on.isoformat()}T02:00:00+00:00", "cd" * 32, "ef" * 64, on, actor)


def test_the_system_signs_a_checkpoint_and_it_is_kept_with_its_sequence():
    record = given(ChainCheckpoints.start("420105", DAY))
    after = when(record, signed(12)).then("Signed", sequence=1, length=12, head=HEAD)
    assert after.latest["length"] == 12
    when(given(after), signed(20, "12" * 32, on=date(2026, 3, 3))).then("Signed", sequence=2, length=20)


def test_nobody_else_signs_and_no_checkpoint_covers_a_shorter_chain():
    record = given(ChainCheckpoints.start("420105", DAY), signed(12))
    when(record, signed(13, actor=Actor("duchashi", Role.OFFICE, "420105"))).refused("role.not_allowed")
    when(record, signed(11)).refused("checkpoint.chain_shrank")
    when(record, signed(12, "99" * 32)).refused("checkpoint.chain_shrank")  # the same length, another head
