"""The asyncio baseline for `-- batch`: fetch N URLs at a given concurrency with asyncio.gather and count
each page's words with str.split(), no durability at all. Standard library only (no aiohttp here): each of
`concurrency` workers keeps one HTTP/1.1 keep-alive connection, as a pooled client would.

    python3 asyncio_gather.py http://127.0.0.1:PORT/ 2000 64    ->  prints: urls seconds urls_per_s words
"""
import asyncio
import sys
import time
from urllib.parse import urlsplit


async def worker(host, port, paths, words):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while paths:
            path = paths.pop()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
            body = await reader.readexactly(length)
            words.append(len(body.decode("utf-8", "replace").split()))
    finally:
        writer.close()


async def main(base, count, concurrency):
    parts = urlsplit(base)
    paths = [f"{parts.path or '/'}?n={i}" for i in range(count)]
    words = []
    started = time.perf_counter()
    await asyncio.gather(*(worker(parts.hostname, parts.port, paths, words) for _ in range(min(concurrency, count))))
    seconds = time.perf_counter() - started
    print(count, f"{seconds:.3f}", f"{count / seconds:.0f}", sum(words))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
