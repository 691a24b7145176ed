#!/usr/bin/env python3
"""Plugin-side protocol tests: runs every shipped plugin, feeds it requests
that satisfy plugins/schema (checked first), and validates every line it
writes against the schemas. Run: python3 plugins/tests/test_plugins.py
(needs jsonschema and jsonrpcserver; the C plugin is built by `make -C plugins/c`).
"""
import json
import pathlib
import subprocess
import sys
import unittest

HERE = pathlib.Path(__file__).resolve().parent
PLUGINS = HERE.parent
sys.path.insert(0, str(PLUGINS / "schema"))
import validate  # noqa: E402

SHIPPED = {
    "priority": [str(PLUGINS / "c" / "build" / "priority")],
    "time-of-day": [sys.executable, str(PLUGINS / "python" / "time_of_day" / "time_of_day.py")],
    "mom-balloon": [sys.executable, str(PLUGINS / "python" / "mom_balloon" / "mom_balloon.py")],
    "headroom": [sys.executable, str(PLUGINS / "jsonrpcserver" / "headroom.py")],
}

GIB = 1 << 30


def vm(index, name, balloon=True):
    memory = GIB * (1 + index % 4)
    return {
        "id": f"6b1d0c4e-0000-4000-8000-{index:012x}", "name": name,
        "spec": {"cpu_shares": 1024, "memory_shares": 1024, "reservation": {"cpu": 250, "memory": memory // 4},
                 "cpu_limit": None, "memory_limit": None, "floor": {"cpu": 100, "memory": memory // 8},
                 "ceiling": {"cpu": 4000, "memory": memory * 2}, "min_vcpus": 1, "max_vcpus": 4,
                 "vcpu_hotplug": False, "opt_out": False},
        "current": {"memory": memory, "cpu": 1000, "vcpus": 2, "cpu_weight": 1024},
        "estimate": {"demand": {"cpu": 1300, "memory": memory // 2}, "guest_used_memory": memory // 2 if balloon else None,
                     "memory_active_fraction": 0.5, "confidence": 0.9,
                     "signals": [{"name": "cpu.throttled", "value": 0.3, "note": "30 % of periods"}]},
        "has_balloon_stats": balloon,
        "memory_mechanism": "virtio-mem" if index % 3 == 1 else "balloon",
        "host_memory": memory // 2 if index % 2 else None,
    }


def slim(entry, vm_fields):
    """A vms[] entry as Ballast sends it to a plugin that declared `vm_fields` (None: all)."""
    if vm_fields is None:
        return entry
    out = {"id": entry["id"], "name": entry["name"]}
    for field in vm_fields:
        group, _, member = field.partition(".")
        if group in ("id", "name"):
            continue
        if member:
            out.setdefault(group, {})[member] = entry[group][member]
        else:
            out[group] = entry[group]
    return out


# The rows layout's leaf columns in their fixed order, as the schema lists them.
LEAF_COLUMNS = json.loads((PLUGINS / "schema" / "common.schema.json").read_text())["$defs"]["vm_column"]["enum"]
PREVIOUS_COLUMNS = ["id", "memory", "cpu", "vcpus", "cpu_weight", "reason", "stage"]


def leaf(entry, path):
    for key in path.split("."):
        entry = entry[key]
    return entry


def rows(entries, columns):
    return {"columns": columns, "rows": [[leaf(e, c) for c in columns] for e in entries]}


def vm_columns(vm_fields):
    """id, name and the leaves `vm_fields` selects (None: all), in the protocol's order."""
    chosen = [c for c in LEAF_COLUMNS
              if vm_fields is None or any(c == f or c.startswith(f + ".") for f in vm_fields)]
    return ["id", "name"] + chosen


def decide_request(request_id, names, pressure=False, vm_fields=None, layout=None):
    vms = [vm(i, n, balloon=(i != 1)) for i, n in enumerate(names)]
    capacity = {"cpu": 16000, "memory": 64 * GIB}
    snapshot = {"tick": 1, "time": 2.0, "host": {"time": 2.0, "capacity": capacity,
                                                  "memory_available": (4 if pressure else 40) * GIB,
                                                  "cpu_pressure": None, "memory_pressure": None},
                "guest_capacity": capacity, "vms": vms}
    previous = [dict(v["current"], id=v["id"], reason="unchanged", stage="current") for v in vms]
    snapshot["vms"] = [slim(v, vm_fields) for v in vms]
    if layout == "rows":
        snapshot["vms"] = rows(vms, vm_columns(vm_fields))
        previous = rows(previous, PREVIOUS_COLUMNS)
    return {"jsonrpc": "2.0", "id": request_id, "method": "decide", "params": {"snapshot": snapshot, "previous": previous}}


def initialize(versions, options):
    return {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocol_versions": versions, "ballast_version": "0.1.0", "plugin_name": "t",
                       "deadline_ms": 250, "max_line_bytes": 8388608, "options": options}}


def converse(command, messages):
    text = "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in messages)
    done = subprocess.run(command, input=text.encode(), capture_output=True, timeout=20)
    return [json.loads(line) for line in done.stdout.decode().splitlines() if line.strip()], done.returncode


class PluginProtocolTests(unittest.TestCase):
    def check(self, schema, message):
        errors = [e.message for e in validate.validator(schema).iter_errors(message)]
        self.assertEqual(errors, [], f"{schema}: {message}")

    def declaration(self, command):
        """The plugin's snapshot object from its initialize answer ({} when it declares none)."""
        answers, _ = converse(command, [initialize([1], {})])
        self.check("initialize.response", answers[0])
        return answers[0]["result"].get("snapshot", {})

    def declared_fields(self, command):
        """The plugin's snapshot.vm_fields (None when it declares none)."""
        return self.declaration(command).get("vm_fields")

    def test_every_shipped_plugin_declares_the_fields_it_reads(self):
        for name, command in SHIPPED.items():
            with self.subTest(plugin=name):
                fields = self.declared_fields(command)
                self.assertIsNotNone(fields, f"{name} declares no snapshot.vm_fields")
                self.assertNotIn("estimate.signals", fields)

    def test_the_python_sdk_refuses_a_malformed_declaration(self):
        sys.path.insert(0, str(PLUGINS / "python" / "sdk"))
        import ballast_plugin
        with self.assertRaises(TypeError):
            ballast_plugin.run("x", "1", lambda s, p, o: [], vm_fields="spec.ceiling")

    def test_the_schema_refuses_an_unknown_vm_field(self):
        answer = {"jsonrpc": "2.0", "id": 1, "result": {"protocol_version": 1, "name": "x", "version": "1",
                                                          "capabilities": ["decide"],
                                                          "snapshot": {"vm_fields": ["spec.celing"]}}}
        self.assertTrue(list(validate.validator("initialize.response").iter_errors(answer)))
        answer["result"]["snapshot"] = {"vm_fields": ["spec.ceiling"], "host_fields": []}
        self.assertTrue(list(validate.validator("initialize.response").iter_errors(answer)))

    def test_every_plugin_answers_with_schema_valid_messages(self):
        names = ["db-1", "batch-\"quoted\"", "caf\u00e9 \U0001F680", "prio-x"]
        for name, command in SHIPPED.items():
            with self.subTest(plugin=name):
                declared = self.declaration(command)
                fields, layout = declared.get("vm_fields"), declared.get("layout")
                requests = [initialize([1], {"high_priority": ["db-*"], "batch": ["batch-*"], "hour": 23}),
                            decide_request(2, names, pressure=True, vm_fields=fields, layout=layout),
                            decide_request(3, [], layout=layout),
                            {"jsonrpc": "2.0", "method": "observe", "params": {"tick": 1, "applied": []}},
                            {"jsonrpc": "2.0", "id": 4, "method": "shutdown", "params": {}}]
                self.check("initialize.request", requests[0])
                self.check("decide.request", requests[1])
                self.check("observe.notification", requests[3])
                self.check("shutdown.request", requests[4])
                answers, status = converse(command, requests)
                self.assertEqual(status, 0)
                self.assertEqual([a["id"] for a in answers], [1, 2, 3, 4])
                self.check("initialize.response", answers[0])
                self.check("decide.response", answers[1])
                self.check("decide.response", answers[2])
                self.check("shutdown.response", answers[3])

    def test_both_layouts_are_used_by_shipped_plugins(self):
        layouts = {name: self.declaration(command).get("layout", "objects") for name, command in SHIPPED.items()}
        self.assertEqual(layouts["priority"], "rows")
        self.assertEqual(layouts["mom-balloon"], "rows")
        self.assertEqual(layouts["time-of-day"], "objects")

    def test_the_schemas_accept_both_layouts_and_refuse_broken_rows(self):
        for layout in ("objects", "rows"):
            for fields in (None, [], ["spec.ceiling", "estimate"], ["has_balloon_stats"]):
                with self.subTest(layout=layout, fields=fields):
                    self.check("decide.request", decide_request(2, ["a", "b"], vm_fields=fields, layout=layout))
        request = decide_request(2, ["a"], vm_fields=["spec.ceiling"], layout="rows")
        broken = json.loads(json.dumps(request))
        broken["params"]["snapshot"]["vms"]["columns"] = ["name", "id", "spec.ceiling.cpu", "spec.ceiling.memory"]
        self.assertTrue(list(validate.validator("decide.request").iter_errors(broken)))
        broken = json.loads(json.dumps(request))
        broken["params"]["snapshot"]["vms"]["columns"].append("spec.ceiling")  # a group, not a leaf
        self.assertTrue(list(validate.validator("decide.request").iter_errors(broken)))
        broken = json.loads(json.dumps(request))
        broken["params"]["previous"]["rows"][0].append("extra")
        self.assertTrue(list(validate.validator("decide.request").iter_errors(broken)))
        answer = {"jsonrpc": "2.0", "id": 1, "result": {"protocol_version": 1, "name": "x", "version": "1",
                                                          "capabilities": ["decide"], "snapshot": {"layout": "columns"}}}
        self.assertTrue(list(validate.validator("initialize.response").iter_errors(answer)))
        answer["result"]["snapshot"]["layout"] = "rows"
        self.check("initialize.response", answer)

    def test_the_python_sdk_turns_rows_into_the_objects_layout(self):
        sys.path.insert(0, str(PLUGINS / "python" / "sdk"))
        import ballast_plugin
        for fields in (None, ["spec.ceiling", "estimate.guest_used_memory", "has_balloon_stats"]):
            with self.subTest(fields=fields):
                objects = decide_request(2, ["a", "b", "c"], vm_fields=fields)["params"]
                table = decide_request(2, ["a", "b", "c"], vm_fields=fields, layout="rows")["params"]
                self.assertEqual(ballast_plugin.objects_from_rows(table["snapshot"]["vms"], "vms"), objects["snapshot"]["vms"])
                self.assertEqual(ballast_plugin.objects_from_rows(table["previous"], "previous"), objects["previous"])
        with self.assertRaises(ValueError):
            ballast_plugin.objects_from_rows({"columns": ["id", "name"], "rows": [["x"]]}, "vms")
        with self.assertRaises(ValueError):
            ballast_plugin.run("x", "1", lambda s, p, o: [], layout="columns")

    def test_sdk_plugins_answer_the_same_in_both_layouts(self):
        # The SDKs read either layout whatever the plugin declared, so one plugin answers both.
        names = ["db-1", "web", "prio-x", "batch-1"]
        options = {"high_priority": ["db-*"], "batch": ["batch-*"], "hour": 23}
        for name in ("priority", "mom-balloon", "time-of-day"):
            command = SHIPPED[name]
            fields = self.declared_fields(command)
            for pressure in (False, True):
                with self.subTest(plugin=name, pressure=pressure):
                    objects = decide_request(2, names, pressure=pressure, vm_fields=fields)
                    table = decide_request(2, names, pressure=pressure, vm_fields=fields, layout="rows")
                    by_objects, _ = converse(command, [initialize([1], options), objects])
                    by_rows, _ = converse(command, [initialize([1], options), table])
                    self.assertIn("result", by_rows[1], by_rows[1])
                    self.assertEqual(by_rows[1], by_objects[1])
        allocations = converse(SHIPPED["priority"], [initialize([1], {"high_priority": ["db-*"]}),
                                                     decide_request(2, names, vm_fields=self.declared_fields(SHIPPED["priority"]),
                                                                    layout="rows")])[0][1]["result"]["allocations"]
        self.assertEqual([(a["cpu"], a["memory"], a["cpu_weight"]) for a in allocations], [(1300, GIB, 4096)])  # previous memory is the floor

    def test_the_c_sdk_refuses_a_malformed_table(self):
        request = decide_request(2, ["db-1"], vm_fields=["spec.ceiling"], layout="rows")
        request["params"]["snapshot"]["vms"]["rows"][0] = ["only-an-id"]
        answers, status = converse(SHIPPED["priority"], [initialize([1], {}), request])
        self.check("error.response", answers[1])
        self.assertIn("snapshot.vms", answers[1]["error"]["message"])
        self.assertEqual(status, 0)

    def test_every_plugin_refuses_an_unknown_version(self):
        for name, command in SHIPPED.items():
            with self.subTest(plugin=name):
                answers, _ = converse(command, [initialize([999], {})])
                self.assertEqual(len(answers), 1)
                self.check("error.response", answers[0])
                self.assertEqual(answers[0]["error"]["code"], -32000)

    def test_policies(self):
        # Each plugin gets the slim request its declaration asks for, as Ballast sends it.
        fields = self.declared_fields(SHIPPED["priority"])
        answers, _ = converse(SHIPPED["priority"], [initialize([1], {"high_priority": ["db-*"]}),
                                                    decide_request(2, ["db-1", "web"], vm_fields=fields, layout="rows")])
        self.assertEqual([a["id"] for a in answers[1]["result"]["allocations"]], [f"6b1d0c4e-0000-4000-8000-{0:012x}"])
        self.assertEqual(answers[1]["result"]["allocations"][0]["cpu_weight"], 4096)
        self.assertEqual(answers[1]["result"]["allocations"][0]["cpu"], 1300)  # estimate.demand.cpu reached it
        fields = self.declared_fields(SHIPPED["mom-balloon"])
        answers, _ = converse(SHIPPED["mom-balloon"], [initialize([1], {}),
                                                       decide_request(2, ["a", "b", "c"], pressure=True, vm_fields=fields,
                                                                      layout="rows")])
        shrunk = {a["id"]: a["memory"] for a in answers[1]["result"]["allocations"]}
        self.assertNotIn(f"6b1d0c4e-0000-4000-8000-{1:012x}", shrunk)  # no balloon statistics: skipped
        self.assertEqual(shrunk[f"6b1d0c4e-0000-4000-8000-{0:012x}"], int(GIB * 0.95))


if __name__ == "__main__":
    unittest.main()
