#!/usr/bin/env python3
"""Verify a district's hash chain from `duban chain export` with the Python standard library alone.

    duban chain export --district 420105 --out chain.jsonl
    python3 tools/verify_chain.py chain.jsonl [--checkpoint checkpoint.json]

The export holds the district's stored events in notification order ({"event": {record, version,
topic, state (base64)}}) and its chain rows in order ({"link": {seq, record, version, link}}).
This recomputes every link as the README ("Verifying the record") defines it and names the first
event edited, deleted, inserted or reordered; with a checkpoint file it checks that the chain's
first `length` links end in the checkpoint's head.  The checkpoint's Ed25519 signature is not
checked here (the standard library has no Ed25519): `duban verify --checkpoint FILE` checks it, or
openssl (README).  Exit status 0: intact; 1: not.
"""

import argparse
import base64
import hashlib
import json
import sys


def canonical(record, version, topic, state):
    fields = (record.encode("ascii"), str(version).encode("ascii"), topic.encode("utf-8"), state)
    return b"".join(len(f).to_bytes(8, "big") + f for f in fields)


def verify(lines, checkpoint=None):
    header = json.loads(lines[0])
    district = header["district"]
    events = [json.loads(x)["event"] for x in lines[1:] if x.strip() and "event" in json.loads(x)]
    links = [json.loads(x)["link"] for x in lines[1:] if x.strip() and "link" in json.loads(x)]
    stored = {(e["record"], e["version"]) for e in events}
    chained = {(r["record"], r["version"]) for r in links}
    previous = hashlib.sha256(b"duban event chain v1\n" + district.encode("utf-8")).digest()
    head, length, at_checkpoint = "", 0, None
    for place in range(1, max(len(events), len(links)) + 1):
        e = events[place - 1] if place <= len(events) else None
        r = links[place - 1] if place <= len(links) else None
        if r is not None and r["seq"] != place:
            return {"position": place, "kind": "missing_link", "length": length, "head": head, "checkpoint": at_checkpoint}
        if r is None or e is None or (e["record"], e["version"]) != (r["record"], r["version"]):
            if r is None:
                kind = "inserted"
            elif e is None or (r["record"], r["version"]) not in stored:
                kind = "deleted"
            elif (e["record"], e["version"]) not in chained:
                kind = "inserted"
            else:
                kind = "reordered"
            return {"position": place, "kind": kind, "length": length, "head": head, "checkpoint": at_checkpoint}
        link = hashlib.sha256(previous + canonical(e["record"], e["version"], e["topic"],
                                                   base64.b64decode(e["state"]))).digest()
        if link.hex() != r["link"]:
            return {"position": place, "kind": "edited", "length": length, "head": head, "checkpoint": at_checkpoint}
        previous, head, length = link, link.hex(), place
        if checkpoint is not None and place == checkpoint["length"]:
            at_checkpoint = head == checkpoint["head"]
    return {"position": None, "kind": None, "length": length, "head": head, "checkpoint": at_checkpoint}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export")
    parser.add_argument("--checkpoint")
    args = parser.parse_args(argv)
    with open(args.export, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    checkpoint = None
    if args.checkpoint:
        with open(args.checkpoint, encoding="utf-8") as handle:
            checkpoint = json.load(handle)
    result = verify(lines, checkpoint)
    if checkpoint is not None and result["checkpoint"] is None:
        result["checkpoint"] = False  # the chain never reached the checkpoint's length intact
    print(json.dumps(result))
    if result["kind"]:
        print(f"first bad event: position {result['position']} ({result['kind']})", file=sys.stderr)
    if checkpoint is not None:
        print("checkpoint: " + ("matches (signature: check with `duban verify --checkpoint` or openssl)"
                                if result["checkpoint"] else "DOES NOT match"), file=sys.stderr)
    return 0 if not result["kind"] and (checkpoint is None or result["checkpoint"]) else 1


if __name__ == "__main__":
    sys.exit(main())
