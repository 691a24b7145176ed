/* Helper for writing Ballast policy plugins in C on json-c.
 *
 * It speaks the protocol of plugins/PROTOCOL.md (JSON-RPC 2.0, one message per
 * line on stdin/stdout): handshake with version negotiation, dispatch of
 * decide/observe/shutdown, errors, exit on stdin EOF. A plugin supplies a
 * decide callback that appends entries made with bp_allocation() to an array:
 *
 *   static int decide(const bp_context *ctx, json_object *snapshot,
 *                     json_object *previous, json_object *allocations) {
 *       ... json_object_array_add(allocations, bp_allocation(id, "why")); ...
 *       return 0;
 *   }
 *   int main(void) {
 *       bp_declare_vm_fields("spec.ceiling", "estimate.demand");
 *       return bp_run("my-plugin", "1.0", decide, NULL);
 *   }
 *
 * bp_declare_vm_fields names the members of each snapshot.vms[] entry the
 * plugin reads (PROTOCOL.md, "Declaring the fields a plugin reads"); Ballast
 * then leaves the others out of every decide request, which makes requests
 * several times smaller and faster to parse. Without it, every field is sent.
 *
 * bp_declare_layout("rows") asks for VMs and `previous` as rows of values
 * (PROTOCOL.md, "The rows layout"), which json-c parses in about a third of
 * the work. The SDK hides the layout: snapshot "vms" and `previous` are
 * arrays with one element per VM either way, and bp_get_int/bp_get_string
 * read a VM's leaf by its dotted path ("spec.ceiling.memory") from an object
 * or a row alike. On a row, a path must name a whole column (a leaf such as
 * "estimate.demand.cpu", not the group "estimate.demand").
 */
#ifndef BALLAST_PLUGIN_H
#define BALLAST_PLUGIN_H

#include <json-c/json.h>
#include <stdint.h>

#define BP_PROTOCOL_VERSION 1
#define BP_MAX_LINE_BYTES (8 << 20)

typedef struct bp_context {
    /* The plugin's options from Ballast's config (a JSON object, never NULL). */
    json_object *options;
    const char *name;
} bp_context;

/* Fill `allocations` (a JSON array) and return 0; a non-zero return answers
 * the request with a JSON-RPC error and keeps the plugin running. */
typedef int (*bp_decide_fn)(const bp_context *ctx, json_object *snapshot,
                            json_object *previous, json_object *allocations);
/* Told what was applied each tick; may be NULL. */
typedef void (*bp_observe_fn)(const bp_context *ctx, json_object *params);

/* Declares the VM fields the plugin reads, e.g.
 * bp_declare_vm_fields("spec.reservation", "spec.ceiling", "estimate.demand");
 * call before bp_run. `id` and `name` are always sent, and so is `previous`. */
#define bp_declare_vm_fields(...) bp_declare_vm_field_list((const char *const[]){__VA_ARGS__, NULL})
/* The same with a NULL-terminated array; the strings must outlive bp_run. */
void bp_declare_vm_field_list(const char *const *fields);

/* Declares the layout of decide requests: "rows" or "objects" (the default,
 * also when never called); call before bp_run. The string must outlive bp_run. */
void bp_declare_layout(const char *layout);

/* Serves requests until stdin closes or Ballast sends shutdown; returns the exit status. */
int bp_run(const char *name, const char *version, bp_decide_fn decide, bp_observe_fn observe);

/* A new allocation entry {"id", "reason"}; add resources with bp_set_*. */
json_object *bp_allocation(const char *vm_id, const char *reason);
void bp_set_memory(json_object *entry, uint64_t bytes);
void bp_set_cpu(json_object *entry, int64_t millicores);
void bp_set_vcpus(json_object *entry, int64_t vcpus);
void bp_set_cpu_weight(json_object *entry, int64_t weight);

/* Typed lookups of a dotted path ("spec.ceiling.memory") with a default; on a
 * VM or `previous` row the path is a column name. */
int64_t bp_get_int(json_object *object, const char *path, int64_t fallback);
const char *bp_get_string(json_object *object, const char *path, const char *fallback);

/* A `log` notification to Ballast (level: "debug", "info", "warning", "error"). */
void bp_log(const char *level, const char *format, ...);

#endif
