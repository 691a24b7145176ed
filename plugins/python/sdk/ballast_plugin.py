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

`layout="rows"` asks Ballast to send VMs and `previous` as rows of values
(PROTOCOL.md, "The rows layout"), which is smaller and quicker to parse. The
SDK hides it: decide receives the same lists of dicts in either layout.
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


LAYOUTS = ("objects", "rows")


def objects_from_rows(table, where):
    """The list of dicts that {"columns": [...], "rows": [[...]]} stands for;
    a column "a.b.c" becomes entry["a"]["b"]["c"]. A list (objects layout) is returned as is."""
    if isinstance(table, list):
        return table
    if not isinstance(table, dict) or not isinstance(table.get("columns"), list) or not isinstance(table.get("rows"), list):
        raise ValueError(f"{where} is neither a list of objects nor {{\"columns\": [...], \"rows\": [...]}}")
    paths = [column.split(".") for column in table["columns"]]
    entries = []
    for index, row in enumerate(table["rows"]):
        if not isinstance(row, list) or len(row) != len(paths):
            raise ValueError(f"{where}.rows[{index}] is not a list of {len(paths)} values")
        entry = {}
        for path, value in zip(paths, row):
            node = entry
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = value
        entries.append(entry)
    return entries


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


def run(name, version, decide=None, observe=None, vm_fields=None, layout=None):
    """Serves requests until stdin closes or Ballast sends shutdown.

    decide(snapshot, previous, options) -> list of allocation(...) dicts
    observe(tick, applied, options) -> None
    vm_fields: the VM fields decide reads, e.g. ["spec.ceiling", "estimate.demand"]; None = all
    layout: "rows" or "objects" (None: not declared, i.e. objects); decide sees dicts either way
    """
    options = {}
    capabilities = [c for c, f in (("decide", decide), ("observe", observe)) if f is not None]
    if vm_fields is not None and (isinstance(vm_fields, str) or not all(isinstance(f, str) for f in vm_fields)):
        raise TypeError(f"vm_fields must be a list of field names such as ['spec.ceiling'], got {vm_fields!r}")
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
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
            declaration = {}
            if vm_fields is not None:
                declaration["vm_fields"] = list(vm_fields)
            if layout is not None:
                declaration["layout"] = layout
            if declaration:
                result["snapshot"] = declaration
            _answer(request_id, result)
        elif method == "decide" and decide is not None:
            try:
                snapshot = dict(params["snapshot"])
                snapshot["vms"] = objects_from_rows(snapshot["vms"], "snapshot.vms")
                previous = objects_from_rows(params["previous"], "previous")
                allocations = decide(snapshot, previous, options)
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


def main(name, version, decide=None, observe=None, vm_fields=None, layout=None):
    """run(...) then exit with its status; the usual last line of a plugin."""
    sys.exit(run(name, version, decide, observe, vm_fields, layout))
