#!/usr/bin/env python3
"""oVirt MOM's default balloon rules as a Ballast plugin.

MOM (balloon.rules): when host free memory falls under the pressure threshold,
shrink each guest's balloon by up to 5 % per tick while the guest keeps at
least 20 % of it free; without pressure, grow guests whose free memory is under
20 % by up to 5 % per tick, never above their configured maximum. Guests
without balloon statistics are skipped (MOM skips guests missing a field).

Options: pressure_threshold (0.20), max_change (0.05), min_guest_free (0.20).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sdk"))
import ballast_plugin  # noqa: E402


def decide(snapshot, previous, options):
    threshold = options.get("pressure_threshold", 0.20)
    change = options.get("max_change", 0.05)
    min_free = options.get("min_guest_free", 0.20)
    host = snapshot["host"]
    host_free = host["memory_available"] / max(1, host["capacity"]["memory"])
    answer = []
    for vm, before in zip(snapshot["vms"], previous):
        used = vm["estimate"]["guest_used_memory"]
        if not vm["has_balloon_stats"] or used is None:
            continue
        current = before["memory"]
        guest_free = (current - used) / max(1, current)
        if host_free < threshold and guest_free > min_free:
            target = max(int(current * (1 - change)), int(used / (1 - min_free)))
            if target < current:
                answer.append(ballast_plugin.allocation(
                    vm["id"], f"MOM: host free {host_free:.0%} < {threshold:.0%}, shrink", memory=target))
        elif host_free >= threshold and guest_free < min_free:
            target = min(int(current * (1 + change)), vm["spec"]["ceiling"]["memory"])
            if target > current:
                answer.append(ballast_plugin.allocation(
                    vm["id"], f"MOM: guest free {guest_free:.0%} < {min_free:.0%}, grow", memory=target))
    return answer


if __name__ == "__main__":
    ballast_plugin.main("mom-balloon", "1.0", decide,
                        vm_fields=["has_balloon_stats", "estimate.guest_used_memory", "spec.ceiling"], layout="rows")
