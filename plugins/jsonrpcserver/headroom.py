#!/usr/bin/env python3
"""A Ballast plugin on PyPI's `jsonrpcserver` instead of Ballast's helper: proof
that the protocol is plain JSON-RPC 2.0 over newline-delimited stdio.

Policy ("headroom"): every VM gets at least its estimated memory demand plus
`headroom` (default 10 %) of it, capped at its ceiling; CPU likewise.
Requires: pip install 'jsonrpcserver>=5,<6'
"""
import sys

from jsonrpcserver import Error, Success, dispatch, method

STATE = {"options": {}}


@method
def initialize(protocol_versions, options=None, **_):
    if 1 not in protocol_versions:
        return Error(-32000, f"headroom speaks protocol version 1, Ballast offered {protocol_versions}")
    STATE["options"] = options or {}
    return Success({"protocol_version": 1, "name": "headroom", "version": "1.0", "capabilities": ["decide"],
                    "snapshot": {"vm_fields": ["estimate.demand", "spec.ceiling"]}})


@method
def decide(snapshot, previous):
    headroom = 1 + float(STATE["options"].get("headroom", 0.10))
    allocations = []
    for vm, before in zip(snapshot["vms"], previous):
        demand, ceiling = vm["estimate"]["demand"], vm["spec"]["ceiling"]
        memory = min(ceiling["memory"], max(before["memory"], int(demand["memory"] * headroom)))
        cpu = min(ceiling["cpu"], max(before["cpu"], int(demand["cpu"] * headroom)))
        if memory != before["memory"] or cpu != before["cpu"]:
            allocations.append({"id": vm["id"], "memory": memory, "cpu": cpu,
                                "reason": f"headroom: demand + {headroom - 1:.0%}"})
    return Success({"allocations": allocations})


@method
def observe(tick, applied):
    return Success(None)


@method
def shutdown():
    STATE["done"] = True
    return Success(None)

if __name__ == "__main__":
    for line in sys.stdin:
        if not line.strip():
            continue
        response = dispatch(line)
        if response:
            sys.stdout.write(response + "\n")
            sys.stdout.flush()
        if STATE.get("done"):
            break
