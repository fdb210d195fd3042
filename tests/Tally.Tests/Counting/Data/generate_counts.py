#!/usr/bin/env python3
"""Writes counts.jsonl: generated bodies in several charsets, each with the word count Python gives it.

The oracle is the design's definition, len(body.decode(charset, "replace").split()), computed by
Python itself, so the C# counter is checked against the real thing rather than a re-implementation.
Run it again only to change the cases: python3 generate_counts.py > counts.jsonl
"""
import base64
import json
import random
import sys

SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]
assert len(SPACES) == 29, SPACES  # Python 3.11's set: a C# table is checked against exactly these
TRICKY = ["\u200b", "\u180e", "\ufeff", "\u00ad", "\u2060", "\ufffd", "\x00", "\x7f"]
WORDY = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?'\"()-_/") + ["é", "ß", "Ж", "日", "本", "語", "😀", "𝄞"]
C1 = [chr(c) for c in range(0x80, 0xA0)]
CHARSETS = {
    "utf-8": "utf-8",
    "windows-1252": "cp1252",
    "iso-8859-1": "latin-1",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "shift_jis": "shift_jis",
}


def encodable(alphabet, codec):
    out = []
    for ch in alphabet:
        try:
            if ch.encode(codec).decode(codec) == ch:
                out.append(ch)
        except UnicodeError:
            pass
    return out


def text(rng, alphabet, spaces, length):
    pieces = []
    for _ in range(length):
        roll = rng.random()
        pieces.append(rng.choice(spaces) if roll < 0.3 else rng.choice(alphabet))
    return "".join(pieces)


def main():
    rng = random.Random(20261124)
    cases = []
    for label, codec in CHARSETS.items():
        alphabet = encodable(WORDY + TRICKY + C1, codec) if codec != "utf-8" else WORDY + TRICKY
        spaces = encodable(SPACES, codec) if codec != "utf-8" else SPACES
        for n in range(60):
            body = text(rng, alphabet, spaces, rng.randint(0, 400)).encode(codec)
            if codec in ("utf-8", "cp1252", "latin-1") and n % 4 == 3:
                # Invalid bytes must never throw and must count as the replacement character does.
                raw = bytearray(body)
                for _ in range(rng.randint(1, 6)):
                    raw.insert(rng.randint(0, len(raw)), rng.randint(0x80, 0xFF))
                body = bytes(raw)
            words = len(body.decode(codec, "replace").split())
            cases.append({"charset": label, "body": base64.b64encode(body).decode("ascii"), "words": words})
    for case in cases:
        sys.stdout.write(json.dumps(case) + "\n")


if __name__ == "__main__":
    main()
