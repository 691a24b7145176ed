#!/usr/bin/env python3
"""Health check under an idle-connection flood: opens IDLE TCP connections to a
running `ballast run` endpoint and sends nothing on them, then times REQUESTS
`GET /healthz` (each on a new connection, 50 ms apart) while they stay open, and
prints the median, the first (it waits behind whatever connects the server has not
accepted yet), the worst, the errors, and `ballast_late_ticks_total` before
and after. Loopback only; every connection is closed at the end.

    python3 Benchmarks/idle-flood.py http://127.0.0.1:9477 --idle 2000 --requests 21
"""
import argparse
import resource
import socket
import statistics
import time
from urllib.parse import urlparse


def get(host, port, path, timeout=5.0):
    """One request on a new connection; returns (status, body) or raises."""
    with socket.create_connection((host, port), timeout=timeout) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    if not data:
        raise ConnectionError("closed without an answer")
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def late_ticks(host, port):
    _, body = get(host, port, "/metrics")
    for line in body.decode().splitlines():
        if line.startswith("ballast_late_ticks_total "):
            return float(line.split()[1])
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=21)
    args = parser.parse_args()
    url = urlparse(args.url)
    host, port = url.hostname, url.port
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.idle + 64
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, wanted), hard))

    late_before = late_ticks(host, port)
    idle = []
    started = time.perf_counter()
    try:
        for _ in range(args.idle):
            idle.append(socket.create_connection((host, port), timeout=5))
        opened = time.perf_counter() - started
        latencies, errors = [], []
        for _ in range(args.requests):
            begin = time.perf_counter()
            try:
                status, _ = get(host, port, "/healthz")
                latencies.append((time.perf_counter() - begin) * 1000)
                if status != 200:
                    errors.append(f"status {status}")
            except OSError as error:
                errors.append(repr(error))
            time.sleep(0.05)
    finally:
        for conn in idle:
            conn.close()
    late_after = late_ticks(host, port)
    print(f"{len(idle)} idle connections opened in {opened:.2f} s")
    if latencies:
        print(f"/healthz: {len(latencies)} answered, median {statistics.median(latencies):.2f} ms, "
              f"first {latencies[0]:.2f} ms (behind the connects still queued), max {max(latencies):.2f} ms")
    print(f"errors: {len(errors)} {errors[:3]}")
    print(f"ballast_late_ticks_total: {late_before} before, {late_after} after")


if __name__ == "__main__":
    main()
