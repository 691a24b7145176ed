#!/usr/bin/env python3
"""Open-loop load check for Ballast's endpoint: RATE requests per second for
SECONDS against URL over a pool of keep-alive connections; latency is measured
from each request's scheduled time (so queueing behind a slow answer counts).

    python3 Benchmarks/metrics-load.py http://127.0.0.1:9477/metrics --rate 500 --seconds 10
"""
import argparse
import asyncio
import time
from urllib.parse import urlparse


async def worker(host, port, path, queue, latencies, errors):
    reader = writer = None
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    while True:
        scheduled = await queue.get()
        if scheduled is None:
            break
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            if status != 200:
                errors.append(status)
            latencies.append(time.perf_counter() - scheduled)
        except Exception as error:  # a refused or reset connection counts and is reopened
            errors.append(repr(error))
            writer = None
    if writer is not None:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    url = urlparse(args.url)
    queue = asyncio.Queue()
    latencies, errors = [], []
    start = time.perf_counter() + 0.2
    total = int(args.rate * args.seconds)
    for index in range(total):
        queue.put_nowait(start + index / args.rate)
    for _ in range(args.connections):
        queue.put_nowait(None)
    await asyncio.gather(*[worker(url.hostname, url.port or 80, url.path or "/", queue, latencies, errors)
                           for _ in range(args.connections)])
    elapsed = time.perf_counter() - start
    latencies.sort()

    def quantile(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    print(f"{len(latencies)} ok, {len(errors)} errors in {elapsed:.1f} s "
          f"({len(latencies) / elapsed:.0f} req/s); latency ms p50 {quantile(0.5):.2f} "
          f"p90 {quantile(0.9):.2f} p99 {quantile(0.99):.2f} max {quantile(1.0):.2f}")


asyncio.run(main())
