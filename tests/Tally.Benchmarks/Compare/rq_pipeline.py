"""The RQ baseline for `-- pipeline`, in the same sitting and against the same origin: a Redis on a free
loopback port (in memory, no persistence), two already-running SimpleWorkers, then REQUESTS requests of
URLS_PER_REQUEST jobs each (`enqueue_many`, one pipeline a request) of `count_words_at_url`, timed from
the first enqueue to the last job finished. Needs Debian's python3-rq and redis-server (`/usr/bin/python3`).

    /usr/bin/python3 rq_pipeline.py http://127.0.0.1:PORT/page 2 1000   ->  prints: jobs seconds jobs_per_s enqueue_s...
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request


def count_words_at_url(url):
    """The job, as RQ's own README writes it (with urllib rather than requests)."""
    with urllib.request.urlopen(url) as response:
        return len(response.read().decode("utf-8", "replace").split())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.01)


def main(base, requests, per_request):
    from redis import Redis
    from rq import Queue, Worker

    port = free_port()
    redis_server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL)
    workers = []
    try:
        connection = Redis(host="127.0.0.1", port=port)
        wait_for(lambda: _pings(connection), 10, "redis-server")
        here = os.path.dirname(os.path.abspath(__file__))
        env = dict(os.environ, PYTHONPATH=here)
        for _ in range(2):
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "rq.cli", "worker", "--worker-class", "rq.SimpleWorker", "--url", f"redis://127.0.0.1:{port}", "--quiet"],
                env=env, cwd=here, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(lambda: len(Worker.all(connection=connection)) == 2, 30, "two RQ workers")

        queue = Queue(connection=connection)
        urls = [f"{base}/{i}" for i in range(requests * per_request)]
        enqueue_seconds = []
        started = time.perf_counter()
        for r in range(requests):
            chunk = urls[r * per_request:(r + 1) * per_request]
            before = time.perf_counter()
            queue.enqueue_many([Queue.prepare_data("rq_pipeline.count_words_at_url", (url,)) for url in chunk])
            enqueue_seconds.append(time.perf_counter() - before)
        wait_for(lambda: queue.finished_job_registry.count + queue.failed_job_registry.count >= len(urls), 600, "every RQ job")
        seconds = time.perf_counter() - started
        failed = queue.failed_job_registry.count
        print(len(urls), f"{seconds:.3f}", f"{len(urls) / seconds:.0f}", *(f"{s:.3f}" for s in enqueue_seconds), f"failed={failed}")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(10)
        redis_server.terminate()
        redis_server.wait(10)


def _pings(connection):
    try:
        return connection.ping()
    except Exception:  # noqa: BLE001 - not up yet
        return False


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
