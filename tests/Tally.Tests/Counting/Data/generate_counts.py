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
    "euc-jp": "euc_jp",
    "gbk": "gbk",
    "gb18030": "gb18030",
    "big5": "big5",
    "euc-kr": "euc_kr",
    "utf-16": "utf-16",
}
MULTI_BYTE = {"shift_jis", "euc_jp", "gbk", "gb18030", "big5", "euc_kr"}
WORDY_CJK = ["日", "本", "語", "中", "文", "字", "あ", "ア", "한", "국", "漢", "字"]


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
        alphabet = encodable(WORDY + WORDY_CJK + TRICKY + C1, codec) if codec != "utf-8" else WORDY + TRICKY
        spaces = encodable(SPACES, codec) if codec != "utf-8" else SPACES
        for n in range(60):
            body = text(rng, alphabet, spaces, rng.randint(0, 400)).encode(codec)
            if codec in {"utf-8", "cp1252", "latin-1"} | MULTI_BYTE and n % 4 == 3:
                # Invalid bytes must never throw and must count as the replacement character does.
                raw = bytearray(body)
                for _ in range(rng.randint(1, 6)):
                    raw.insert(rng.randint(0, len(raw)), rng.randint(0x80, 0xFF))
                body = bytes(raw)
            if codec in MULTI_BYTE and n % 4 == 1:
                # A bad lead byte right before ASCII whitespace: the whitespace must still separate words.
                raw = bytearray(body)
                for _ in range(rng.randint(1, 4)):
                    raw.insert(rng.randint(0, len(raw)), rng.randint(0x81, 0xFE))
                    raw.insert(rng.randint(0, len(raw)), 0x20)
                at = rng.randint(0, len(raw))
                raw[at:at] = bytes([rng.randint(0x81, 0xFE), rng.choice([0x20, 0x09, 0x0A, 0x0D])])
                body = bytes(raw)
            words = len(body.decode(codec, "replace").split())
            cases.append({"charset": label, "body": base64.b64encode(body).decode("ascii"), "words": words})
    for case in cases:
        sys.stdout.write(json.dumps(case) + "\n")


if __name__ == "__main__":
    main()
