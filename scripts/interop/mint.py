"""Mints UserSigs with the official PyPI package `tls-sig-api-v2` (module TLSSigAPIv2).

Usage: mint.py SDKAPPID KEY [--now UNIX_SECONDS] IDENTIFIER:EXPIRE [IDENTIFIER:EXPIRE ...]

Prints one JSON object per ticket, one per line:
  {"identifier": ..., "expire": ..., "now": <pinned time or null>, "usersig": ...}
With --now, the library's clock (time.time) is pinned so the output is deterministic.
The split is on the last ':' so identifiers may contain ':'.
Run with target/interop/venv/bin/python (see setup.sh).
"""

import argparse
import json
import sys
from unittest import mock

import TLSSigAPIv2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sdkappid", type=int)
    parser.add_argument("key")
    parser.add_argument("--now", type=int, default=None)
    parser.add_argument("tickets", nargs="+", metavar="IDENTIFIER:EXPIRE")
    args = parser.parse_args()

    api = TLSSigAPIv2.TLSSigAPIv2(args.sdkappid, args.key)
    for spec in args.tickets:
        identifier, sep, expire = spec.rpartition(":")
        if not sep:
            parser.error(f"expected IDENTIFIER:EXPIRE, got {spec!r}")
        expire = int(expire)
        if args.now is None:
            usersig = api.gen_sig(identifier, expire)
        else:
            with mock.patch("time.time", return_value=float(args.now)):
                usersig = api.gen_sig(identifier, expire)
        line = {"identifier": identifier, "expire": expire, "now": args.now, "usersig": usersig}
        print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
