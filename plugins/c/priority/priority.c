/* Priority policy: VMs whose name matches a `high_priority` glob (option, an
 * array; default ["prio-*"]) keep a strict floor of their demand and
 * reservation for memory and CPU, and get `weight_factor` (default 4) times
 * the proposed CPU weight. Everything else keeps the previous proposal.
 * Reads only name, id, spec.reservation, spec.ceiling, estimate.demand and
 * `previous`, and declares so: Ballast sends nothing else, as rows of values. */
#include <fnmatch.h>
#include <stdio.h>
#include "ballast_plugin.h"

/* The decide request layout; `make` also builds priority-objects with
 * -DPRIORITY_LAYOUT='"objects"' so that benchmarks can compare the two. */
#ifndef PRIORITY_LAYOUT
#define PRIORITY_LAYOUT "rows"
#endif

static int high_priority(json_object *options, const char *name) {
    json_object *globs;
    if (!json_object_object_get_ex(options, "high_priority", &globs)) return fnmatch("prio-*", name, 0) == 0;
    for (size_t i = 0; i < json_object_array_length(globs); i++)
        if (fnmatch(json_object_get_string(json_object_array_get_idx(globs, i)), name, 0) == 0) return 1;
    return 0;
}

static int64_t clamp(int64_t value, int64_t low, int64_t high) { return value < low ? low : value > high ? high : value; }
static int64_t max2(int64_t a, int64_t b) { return a > b ? a : b; }

static int decide(const bp_context *ctx, json_object *snapshot, json_object *previous, json_object *allocations) {
    json_object *vms = json_object_object_get(snapshot, "vms");
    int64_t factor = bp_get_int(ctx->options, "weight_factor", 4);
    for (size_t i = 0; i < json_object_array_length(vms); i++) {
        json_object *vm = json_object_array_get_idx(vms, i), *before = json_object_array_get_idx(previous, i);
        if (!high_priority(ctx->options, bp_get_string(vm, "name", ""))) continue;
        int64_t memory = max2(bp_get_int(before, "memory", 0),
                              max2(bp_get_int(vm, "estimate.demand.memory", 0), bp_get_int(vm, "spec.reservation.memory", 0)));
        int64_t cpu = max2(bp_get_int(before, "cpu", 0),
                           max2(bp_get_int(vm, "estimate.demand.cpu", 0), bp_get_int(vm, "spec.reservation.cpu", 0)));
        json_object *entry = bp_allocation(bp_get_string(vm, "id", ""), "high priority: demand floor, extra CPU weight");
        bp_set_memory(entry, (uint64_t)clamp(memory, 0, bp_get_int(vm, "spec.ceiling.memory", memory)));
        bp_set_cpu(entry, clamp(cpu, 0, bp_get_int(vm, "spec.ceiling.cpu", cpu)));
        bp_set_cpu_weight(entry, clamp(bp_get_int(before, "cpu_weight", 1024) * factor, 2, 262144));
        json_object_array_add(allocations, entry);
    }
    return 0;
}

int main(void) {
    bp_declare_vm_fields("spec.reservation", "spec.ceiling", "estimate.demand");
    bp_declare_layout(PRIORITY_LAYOUT);
    return bp_run("priority", "1.0", decide, NULL);
}
