#!/usr/bin/env python3
"""Writes hosts.json: URL hosts written in characters that IDNA maps, with what Python makes of them.

The oracle is Python's own IDNA codec (RFC 3490 ToASCII with nameprep, which maps compatibility
characters such as circled and full-width digits by NFKC and reads U+3002, U+FF0E and U+FF61 as
label separators) and its ipaddress module. The WHATWG URL parser a browser uses maps them the same
way (UTS 46): Chromium's `new URL()` gave the same host for every case here (checked 2026-12-04), so
`http://①②⑦.0.0.1/` is `http://127.0.0.1/` to a browser. The tests need no Python:
they read the committed hosts.json.

    python3 generate_hosts.py > hosts.json
"""
import ipaddress
import json

HOSTS = [
    "①②⑦.0.0.1",              # circled digits
    "127。0。0。1",             # ideographic full stops (U+3002)
    "127．0．0．1",             # full-width full stops (U+FF0E)
    "127｡0｡0｡1",               # half-width ideographic full stops (U+FF61)
    "１２７.０.０.１",          # full-width digits
    "⑯⑨.②⑤④.⑯⑨.②⑤④",        # the metadata address, circled
    "①⓪.⓪.⓪.①",              # 10.0.0.1
    "⑧.⑧.⑧.⑧",                # a public address, still not written as one
    "bücher.example",          # an ordinary international name: not an address
    "example。com",            # a name with an ideographic stop: not an address
]


def case(host):
    ascii_host = host.encode("idna").decode("ascii")
    try:
        address = str(ipaddress.ip_address(ascii_host))
    except ValueError:
        address = None
    return {"host": host, "ascii": ascii_host, "address": address}


print(json.dumps([case(h) for h in HOSTS], ensure_ascii=False, indent=2))
