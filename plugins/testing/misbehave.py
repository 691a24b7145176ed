#!/usr/bin/env python3
"""A deliberately broken plugin for Ballast's fault tests: argv[1] picks the fault.

Modes: good, exit-at-start, crash-after (argv[2] decides, then dies), hang,
late (argv[2] seconds), garbage, partial-line, oversized (argv[2] bytes),
wrong-id, unknown-version, stdout-before-handshake, flood-stderr, bad-entries,
error, probe (reports uid, gid, cwd and environment names as its version),
record (argv[2]: the JSON of its initialize result's `snapshot` member, or
"none" to declare nothing; argv[3]: a file each decide request's line is
appended to, for tests of what Ballast sends), stall (argv[2]: a file
"decide N" is appended to when decide N arrives; argv[3]: seconds it then
sleeps before answering with no allocation; argv[4]: how many decides stall,
default all; for chaos tests that act between Ballast's decision and its apply).
"""
import json
import os
import sys
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "good"
arg = sys.argv[2] if len(sys.argv) > 2 else None


def send(message):
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def answer(request_id, result):
    send({"jsonrpc": "2.0", "id": request_id, "result": result})


def first_vm_id(params):
    vms = params["snapshot"]["vms"]
    if isinstance(vms, dict):  # the rows layout: id is the first column
        return vms["rows"][0][0] if vms["rows"] else None
    return vms[0]["id"] if vms else None


if mode == "exit-at-start":
    sys.exit(3)
if mode == "stdout-before-handshake":
    print("starting up, hello!", flush=True)

decides = 0
for raw in sys.stdin:
    message = json.loads(raw)
    method, request_id, params = message.get("method"), message.get("id"), message.get("params") or {}
    if method == "initialize":
        version = 1
        if mode == "unknown-version":
            version = 99
        name = "misbehave-" + mode
        if mode == "probe":
            name = "probe"
            version_text = json.dumps({"uid": os.getuid(), "gid": os.getgid(), "cwd": os.getcwd(),
                                       "env": sorted(os.environ)})
        else:
            version_text = "1.0"
        result = {"protocol_version": version, "name": name, "version": version_text,
                  "capabilities": ["decide", "observe"]}
        if mode == "record" and arg != "none":
            result["snapshot"] = json.loads(arg)
        answer(request_id, result)
        continue
    if method == "shutdown":
        answer(request_id, None)
        sys.exit(0)
    if method != "decide":
        continue
    decides += 1
    if mode == "record":
        with open(sys.argv[3], "a", encoding="utf-8") as record:
            record.write(raw if raw.endswith("\n") else raw + "\n")
    vm = first_vm_id(params)
    good = {"allocations": [] if vm is None else [{"id": vm, "cpu_weight": 2048, "reason": "test"}]}
    if mode == "crash-after" and decides > int(arg or "1"):
        os.abort()
    if mode == "stall":
        with open(arg, "a", encoding="utf-8") as marker:
            marker.write(f"decide {decides}\n")
        if len(sys.argv) <= 4 or decides <= int(sys.argv[4]):
            time.sleep(float(sys.argv[3]))
        answer(request_id, {"allocations": []})
        continue
    if mode == "hang":
        time.sleep(3600)
    if mode == "late":
        time.sleep(float(arg or "1"))
    if mode == "garbage":
        sys.stdout.write("this is not json\n")
        sys.stdout.flush()
        continue
    if mode == "partial-line":
        sys.stdout.write('{"jsonrpc":"2.0","id":')
        sys.stdout.flush()
        sys.exit(0)
    if mode == "oversized":
        sys.stdout.write('{"jsonrpc":"2.0","id":%d,"result":{"allocations":[],"pad":"%s"}}\n'
                         % (request_id, "x" * int(arg or "100000")))
        sys.stdout.flush()
        continue
    if mode == "wrong-id":
        answer(request_id + 1000, good)
        continue
    if mode == "flood-stderr":
        for i in range(5000):
            sys.stderr.write(f"flood line {i} " + "y" * 100 + "\n")
        sys.stderr.flush()
    if mode == "error":
        send({"jsonrpc": "2.0", "id": request_id, "error": {"code": -32603, "message": "policy exploded"}})
        continue
    if mode == "bad-entries" and vm is not None:
        ids = [v["id"] for v in params["snapshot"]["vms"]]
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": request_id, "result": {"allocations": [
            {"id": ids[0], "cpu_weight": 2048, "reason": "valid"},
            {"id": "00000000-0000-0000-0000-00000000dead", "cpu": 100, "reason": "unknown id"},
            {"id": ids[1], "memory": -1, "reason": "negative"},
            {"id": ids[2], "cpu": float("nan"), "reason": "nan"},
            {"id": ids[3], "memory": 10 ** 30, "reason": "huge"},
            {"id": ids[4], "cpu": 1.5, "reason": "fraction"},
            {"id": ids[5], "cpu": 100, "reason": "dup a"},
            {"id": ids[5], "cpu": 200, "reason": "dup b"},
            {"id": ids[6], "cpu": 100},
        ]}}, separators=(",", ":")) + "\n")
        sys.stdout.flush()
        continue
    answer(request_id, good)
