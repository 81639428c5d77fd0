"""Signed checkpoints (签名检查点) of a district's hash chain, and the deployment's signing key.

A checkpoint states a district's chain length and head link at a time, signed with the
deployment's Ed25519 key.  The signed message is the UTF-8 text, each line ending in ``\\n``::

    duban chain checkpoint v1
    district=420105
    length=18342
    head=<64 hex digits>
    signed_at=2026-11-26T16:00:00+00:00

The exported file (``duban checkpoint export``) is one JSON object with those five values, the
``public_key`` (32 raw bytes of the Ed25519 public key, hex) and the ``signature`` (64 bytes, hex).
It is checked with ``duban verify --checkpoint FILE`` (the signature against this deployment's key,
then the chain) or, for the signature alone, with ``openssl pkeyutl -verify -rawin``.

The private key lives in a file outside the database (``DUBAN_SIGNING_KEY``; by default beside the
embedded store's file, ``<db>.signing-key.pem``, or ``var/signing-key.pem`` with PostgreSQL; PEM,
PKCS#8, mode 0600), created by ``duban setup`` when missing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

DEFAULT_KEY_PATH = Path("var") / "signing-key.pem"


def key_path(env: Mapping[str, str] | None = None) -> Path:
    """``DUBAN_SIGNING_KEY``; else beside the embedded store's file (``<db>.signing-key.pem``);
    else ``var/signing-key.pem``."""
    for source in (env or {}, os.environ):
        if source.get("DUBAN_SIGNING_KEY"):
            return Path(source["DUBAN_SIGNING_KEY"])
    database = (env or {}).get("SQLITE_DBNAME") or ""
    if database and ":memory:" not in database:
        return Path(database + ".signing-key.pem")
    return DEFAULT_KEY_PATH


def ensure_key(path: Path) -> bool:
    """Create the deployment's signing key at ``path`` unless one is there; True when created."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return True


def load_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        raise FileNotFoundError(f"no signing key at {path}: run `duban setup` (or set DUBAN_SIGNING_KEY)")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


@dataclass(frozen=True)
class Checkpoint:
    district: str
    length: int
    head: str
    signed_at: str
    public_key: str = ""
    signature: str = ""
    sequence: int = 0

    def message(self) -> bytes:
        return (f"duban chain checkpoint v1\ndistrict={self.district}\nlength={self.length}\n"
                f"head={self.head}\nsigned_at={self.signed_at}\n").encode("utf-8")

    def signed_with(self, key: Ed25519PrivateKey) -> "Checkpoint":
        return Checkpoint(self.district, self.length, self.head, self.signed_at, public_hex(key),
                          key.sign(self.message()).hex(), self.sequence)

    def signature_valid(self, public_key: str) -> bool:
        """Whether the signature is this deployment's (``public_key``, hex) over this checkpoint."""
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(bytes.fromhex(self.signature),
                                                                               self.message())
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_json(self) -> str:
        return json.dumps({"format": "duban chain checkpoint v1", "district": self.district, "length": self.length,
                           "head": self.head, "signed_at": self.signed_at, "public_key": self.public_key,
                           "signature": self.signature, "sequence": self.sequence},
                          ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Checkpoint":
        data = json.loads(text)
        return cls(district=str(data["district"]), length=int(data["length"]), head=str(data["head"]),
                   signed_at=str(data["signed_at"]), public_key=str(data.get("public_key", "")),
                   signature=str(data.get("signature", "")), sequence=int(data.get("sequence", 0)))

    @classmethod
    def of_record(cls, district: str, signed: dict) -> "Checkpoint":
        return cls(district, signed["length"], signed["head"], signed["signed_at"], signed["public_key"],
                   signed["signature"], signed["sequence"])


__all__ = ["Checkpoint", "DEFAULT_KEY_PATH", "ensure_key", "key_path", "load_key", "public_hex"]
