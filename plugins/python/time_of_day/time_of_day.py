#!/usr/bin/env python3
"""Time-of-day policy: batch VMs yield CPU during business hours and get it back at night.

Options (all optional):
  batch            list of VM name globs that are batch work (default ["batch-*"])
  business_hours   [start, end) local hours (default [8, 18])
  day_cpu_fraction batch VMs keep this fraction of their proposed CPU share by day (default 0.5):
                   of their weight when shares are weights (snapshot cpu_enforcement "weight",
                   the default), of their quota when they are quotas
  night_weight     CPU weight of batch VMs at night (default 4096)
  hour             fixed hour for tests and demos (default: the local clock)
"""
import fnmatch
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sdk"))
import ballast_plugin  # noqa: E402


def decide(snapshot, previous, options):
    globs = options.get("batch", ["batch-*"])
    start, end = options.get("business_hours", [8, 18])
    hour = options.get("hour", time.localtime().tm_hour)
    by_day = start <= hour < end
    answer = []
    for vm, before in zip(snapshot["vms"], previous):
        if not any(fnmatch.fnmatchcase(vm["name"], g) for g in globs):
            continue
        if by_day:
            fraction = options.get("day_cpu_fraction", 0.5)
            reason = f"business hours ({hour}h): batch VM yields CPU"
            if snapshot.get("cpu_enforcement", "quota") == "weight":
                weight = min(262144, max(2, vm["spec"]["floor"]["cpu"], int(before["cpu_weight"] * fraction)))
                answer.append(ballast_plugin.allocation(vm["id"], reason, cpu_weight=weight))
            else:
                cpu = max(vm["spec"]["floor"]["cpu"], int(before["cpu"] * fraction))
                answer.append(ballast_plugin.allocation(vm["id"], reason, cpu=cpu))
        else:
            weight = int(options.get("night_weight", 4096))
            answer.append(ballast_plugin.allocation(vm["id"], f"night ({hour}h): batch VM weight raised", cpu_weight=weight))
    return answer


if __name__ == "__main__":
    ballast_plugin.main("time-of-day", "1.0", decide, vm_fields=["spec.floor"])
