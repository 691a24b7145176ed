"""Helper for writing Ballast policy plugins in Python (standard library only).

A plugin is a program that speaks JSON-RPC 2.0, one message per line, on
stdin/stdout (see plugins/PROTOCOL.md). This module does the protocol: the
handshake with version negotiation, dispatch of decide/observe/shutdown,
errors, logging to stderr. A plugin supplies a `decide` function:

    import ballast_plugin

    def decide(snapshot, previous, options):
        return [ballast_plugin.allocation(vm["id"], "why", cpu_weight=2048)
                for vm in snapshot["vms"]]

    ballast_plugin.run("my-plugin", "1.0", decide, vm_fields=["spec.ceiling"])

`vm_fields` names the members of each snapshot["vms"] entry the plugin reads
(PROTOCOL.md, "Declaring the fields a plugin reads"); Ballast then leaves the
others out of every decide request. `id` and `name` are always sent, and so is
`previous`. Without it (None), every field is sent.
"""

import json
import sys
import traceback

PROTOCOL_VERSIONS = (1,)
MAX_LINE_BYTES = 8 << 20
UNSUPPORTED_VERSION = -32000
METHOD_NOT_FOUND = -32601
INTERNAL_ERROR = -32603
INVALID_REQUEST = -32600


def allocation(vm_id, reason, memory=None, cpu=None, vcpus=None, cpu_weight=None):
    """One entry of a decide answer; give only the resources you change (integers)."""
    entry = {"id": vm_id, "reason": reason}
    for key, value in (("memory", memory), ("cpu", cpu), ("vcpus", vcpus), ("cpu_weight", cpu_weight)):
        if value is not None:
            entry[key] = int(value)
    return entry


def log(message, level="info"):
    """Sends a `log` notification; Ballast writes it to its log tagged with the plugin name."""
    _send({"jsonrpc": "2.0", "method": "log", "params": {"level": level, "message": str(message)}})


def _send(message):
    line = json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _answer(request_id, result):
    _send({"jsonrpc": "2.0", "id": request_id, "result": result})


def _error(request_id, code, message):
    _send({"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}})


def run(name, version, decide=None, observe=None, vm_fields=None):
    """Serves requests until stdin closes or Ballast sends shutdown.

    decide(snapshot, previous, options) -> list of allocation(...) dicts
    observe(tick, applied, options) -> None
    vm_fields: the VM fields decide reads, e.g. ["spec.ceiling", "estimate.demand"]; None = all
    """
    options = {}
    capabilities = [c for c, f in (("decide", decide), ("observe", observe)) if f is not None]
    if vm_fields is not None and (isinstance(vm_fields, str) or not all(isinstance(f, str) for f in vm_fields)):
        raise TypeError(f"vm_fields must be a list of field names such as ['spec.ceiling'], got {vm_fields!r}")
    stdin = sys.stdin.buffer
    while True:
        raw = stdin.readline(MAX_LINE_BYTES + 2)
        if not raw:
            return 0
        if len(raw) > MAX_LINE_BYTES + 1:
            print(f"{name}: input line over {MAX_LINE_BYTES} bytes; exiting", file=sys.stderr)
            return 1
        raw = raw.strip()
        if not raw:
            continue
        try:
            message = json.loads(raw)
        except ValueError as problem:
            print(f"{name}: ignoring a line that is not JSON: {problem}", file=sys.stderr)
            continue
        method = message.get("method")
        request_id = message.get("id")
        params = message.get("params") or {}
        if method == "initialize":
            offered = params.get("protocol_versions", [])
            common = [v for v in offered if v in PROTOCOL_VERSIONS]
            if not common:
                text = f"{name} speaks protocol versions {list(PROTOCOL_VERSIONS)}, Ballast offered {offered}"
                print(text, file=sys.stderr)
                _error(request_id, UNSUPPORTED_VERSION, text)
                return 1
            options = params.get("options") or {}
            result = {"protocol_version": max(common), "name": name, "version": version,
                      "capabilities": capabilities}
            if vm_fields is not None:
                result["snapshot"] = {"vm_fields": list(vm_fields)}
            _answer(request_id, result)
        elif method == "decide" and decide is not None:
            try:
                allocations = decide(params["snapshot"], params["previous"], options)
                _answer(request_id, {"allocations": list(allocations or [])})
            except Exception as problem:  # a bug in the policy must not kill the plugin
                traceback.print_exc(file=sys.stderr)
                _error(request_id, INTERNAL_ERROR, f"decide failed: {problem!r}")
        elif method == "observe":
            if observe is not None:
                try:
                    observe(params.get("tick"), params.get("applied", []), options)
                except Exception:
                    traceback.print_exc(file=sys.stderr)
        elif method == "shutdown":
            _answer(request_id, None)
            return 0
        elif request_id is not None:
            _error(request_id, METHOD_NOT_FOUND, f"unknown method {method!r}")


def main(name, version, decide=None, observe=None, vm_fields=None):
    """run(...) then exit with its status; the usual last line of a plugin."""
    sys.exit(run(name, version, decide, observe, vm_fields))
