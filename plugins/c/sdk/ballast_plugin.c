/* Implementation of ballast_plugin.h; see there for the contract. */
#include "ballast_plugin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The declared VM fields (NULL-terminated), or NULL for every field. */
static const char *const *declared_vm_fields = NULL;

void bp_declare_vm_field_list(const char *const *fields) { declared_vm_fields = fields; }

/* The layout declared with bp_declare_layout; NULL leaves it out (objects). */
static const char *declared_layout = NULL;

void bp_declare_layout(const char *layout) { declared_layout = layout; }

/* The columns of one row layout ("rows" requests) in the request being served.
 * Every row handed to the plugin carries a pointer to its table as json-c
 * userdata, so that bp_get_* on a row find the column by name. Paths resolved
 * once are remembered by their pointer (plugins pass string literals) and
 * checked with one strcmp, so a row lookup costs about one object lookup. */
#define BP_CACHED_PATHS 64
typedef struct row_columns {
    json_object *names;
    const char *paths[BP_CACHED_PATHS];
    int indexes[BP_CACHED_PATHS];
    size_t cached;
} row_columns;
static row_columns vm_columns, previous_columns;

static void send_message(json_object *message) {
    const char *text = json_object_to_json_string_ext(message, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    fputs(text, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

static json_object *envelope(json_object *id) {
    json_object *message = json_object_new_object();
    json_object_object_add(message, "jsonrpc", json_object_new_string("2.0"));
    json_object_object_add(message, "id", json_object_get(id));
    return message;
}

static void answer(json_object *id, json_object *result) {
    json_object *message = envelope(id);
    json_object_object_add(message, "result", result);
    send_message(message);
    json_object_put(message);
}

static void answer_error(json_object *id, int code, const char *text) {
    json_object *message = envelope(id);
    json_object *error = json_object_new_object();
    json_object_object_add(error, "code", json_object_new_int(code));
    json_object_object_add(error, "message", json_object_new_string(text));
    json_object_object_add(message, "error", error);
    send_message(message);
    json_object_put(message);
}

void bp_log(const char *level, const char *format, ...) {
    char text[2048];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(text, sizeof text, format, arguments);
    va_end(arguments);
    json_object *message = json_object_new_object();
    json_object_object_add(message, "jsonrpc", json_object_new_string("2.0"));
    json_object_object_add(message, "method", json_object_new_string("log"));
    json_object *params = json_object_new_object();
    json_object_object_add(params, "level", json_object_new_string(level));
    json_object_object_add(params, "message", json_object_new_string(text));
    json_object_object_add(message, "params", params);
    send_message(message);
    json_object_put(message);
}

json_object *bp_allocation(const char *vm_id, const char *reason) {
    json_object *entry = json_object_new_object();
    json_object_object_add(entry, "id", json_object_new_string(vm_id));
    json_object_object_add(entry, "reason", json_object_new_string(reason));
    return entry;
}

void bp_set_memory(json_object *entry, uint64_t bytes) { json_object_object_add(entry, "memory", json_object_new_uint64(bytes)); }
void bp_set_cpu(json_object *entry, int64_t value) { json_object_object_add(entry, "cpu", json_object_new_int64(value)); }
void bp_set_vcpus(json_object *entry, int64_t value) { json_object_object_add(entry, "vcpus", json_object_new_int64(value)); }
void bp_set_cpu_weight(json_object *entry, int64_t value) { json_object_object_add(entry, "cpu_weight", json_object_new_int64(value)); }

/* The index of column `path` in `table`, or -1. */
static int column_index(row_columns *table, const char *path) {
    for (size_t i = 0; i < table->cached; i++) {
        if (table->paths[i] == path) {
            int index = table->indexes[i];
            if (index >= 0 && strcmp(json_object_get_string(json_object_array_get_idx(table->names, (size_t)index)), path) == 0)
                return index;
            break;
        }
    }
    int found = -1;
    for (size_t i = 0; i < json_object_array_length(table->names); i++) {
        if (strcmp(json_object_get_string(json_object_array_get_idx(table->names, i)), path) == 0) {
            found = (int)i;
            break;
        }
    }
    if (table->cached < BP_CACHED_PATHS) {
        table->paths[table->cached] = path;
        table->indexes[table->cached] = found;
        table->cached++;
    }
    return found;
}

static json_object *lookup(json_object *object, const char *path) {
    char key[128];
    if (object != NULL && json_object_is_type(object, json_type_array)) {
        row_columns *table = json_object_get_userdata(object);
        if (table == &vm_columns || table == &previous_columns) {
            int index = column_index(table, path);
            return index < 0 ? NULL : json_object_array_get_idx(object, (size_t)index);
        }
    }
    while (object != NULL && *path != '\0') {
        const char *dot = strchr(path, '.');
        size_t length = dot ? (size_t)(dot - path) : strlen(path);
        if (length >= sizeof key) return NULL;
        memcpy(key, path, length);
        key[length] = '\0';
        if (!json_object_object_get_ex(object, key, &object)) return NULL;
        path += length + (dot ? 1 : 0);
    }
    return object;
}

int64_t bp_get_int(json_object *object, const char *path, int64_t fallback) {
    json_object *value = lookup(object, path);
    if (value == NULL || !(json_object_is_type(value, json_type_int) || json_object_is_type(value, json_type_double))) return fallback;
    return json_object_get_int64(value);
}

const char *bp_get_string(json_object *object, const char *path, const char *fallback) {
    json_object *value = lookup(object, path);
    if (value == NULL || !json_object_is_type(value, json_type_string)) return fallback;
    return json_object_get_string(value);
}

/* If holder[key] is the rows layout {"columns": [...], "rows": [[...], ...]},
 * puts its rows in its place, each tagged with `table`, so that the plugin
 * sees an array of VMs either way. Returns NULL on success, else what is wrong. */
static const char *adopt_rows(json_object *holder, const char *key, row_columns *table) {
    json_object *value, *columns, *rows;
    table->names = NULL;
    table->cached = 0;
    if (!json_object_object_get_ex(holder, key, &value)) return NULL;
    if (!json_object_is_type(value, json_type_object)) return NULL;
    if (!json_object_object_get_ex(value, "columns", &columns) || !json_object_is_type(columns, json_type_array) ||
        !json_object_object_get_ex(value, "rows", &rows) || !json_object_is_type(rows, json_type_array))
        return "is an object without a columns array and a rows array";
    for (size_t i = 0; i < json_object_array_length(columns); i++)
        if (!json_object_is_type(json_object_array_get_idx(columns, i), json_type_string)) return "has a column name that is not a string";
    size_t width = json_object_array_length(columns);
    for (size_t i = 0; i < json_object_array_length(rows); i++) {
        json_object *row = json_object_array_get_idx(rows, i);
        if (!json_object_is_type(row, json_type_array) || json_object_array_length(row) != width) return "has a row that is not an array as long as columns";
        json_object_set_userdata(row, table, NULL);
    }
    json_object_get(columns);
    json_object_get(rows);
    json_object_object_add(holder, key, rows);
    table->names = columns;
    return NULL;
}

static void release_rows(row_columns *table) {
    if (table->names != NULL) json_object_put(table->names);
    table->names = NULL;
    table->cached = 0;
}

static int handle_initialize(const char *name, const char *version, json_object *id, json_object *params,
                             bp_context *context, int decides, int observes) {
    json_object *offered = lookup(params, "protocol_versions");
    int agreed = 0;
    for (size_t i = 0; offered && json_object_is_type(offered, json_type_array) && i < json_object_array_length(offered); i++) {
        if (json_object_get_int(json_object_array_get_idx(offered, i)) == BP_PROTOCOL_VERSION) agreed = 1;
    }
    if (!agreed) {
        char text[256];
        snprintf(text, sizeof text, "%s speaks protocol version %d, Ballast offered %s", name, BP_PROTOCOL_VERSION,
                 offered ? json_object_to_json_string(offered) : "nothing");
        fprintf(stderr, "%s\n", text);
        answer_error(id, -32000, text);
        return 1;
    }
    json_object *options = lookup(params, "options");
    if (context->options) json_object_put(context->options);
    context->options = options ? json_object_get(options) : json_object_new_object();
    json_object *result = json_object_new_object();
    json_object_object_add(result, "protocol_version", json_object_new_int(BP_PROTOCOL_VERSION));
    json_object_object_add(result, "name", json_object_new_string(name));
    json_object_object_add(result, "version", json_object_new_string(version));
    json_object *capabilities = json_object_new_array();
    if (decides) json_object_array_add(capabilities, json_object_new_string("decide"));
    if (observes) json_object_array_add(capabilities, json_object_new_string("observe"));
    json_object_object_add(result, "capabilities", capabilities);
    if (declared_vm_fields != NULL || declared_layout != NULL) {
        json_object *snapshot = json_object_new_object();
        if (declared_vm_fields != NULL) {
            json_object *fields = json_object_new_array();
            for (const char *const *field = declared_vm_fields; *field != NULL; field++)
                json_object_array_add(fields, json_object_new_string(*field));
            json_object_object_add(snapshot, "vm_fields", fields);
        }
        if (declared_layout != NULL) json_object_object_add(snapshot, "layout", json_object_new_string(declared_layout));
        json_object_object_add(result, "snapshot", snapshot);
    }
    answer(id, result);
    return 0;
}

int bp_run(const char *name, const char *version, bp_decide_fn decide, bp_observe_fn observe) {
    bp_context context = { .options = NULL, .name = name };
    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    int status = 0;
    while ((length = getline(&line, &capacity, stdin)) >= 0) {
        if (length > BP_MAX_LINE_BYTES + 1) {
            fprintf(stderr, "%s: input line of %zd bytes is over the protocol maximum; exiting\n", name, length);
            status = 1;
            break;
        }
        enum json_tokener_error problem;
        json_object *message = json_tokener_parse_verbose(line, &problem);
        if (message == NULL) {
            if (length > 1) fprintf(stderr, "%s: ignoring a line that is not JSON: %s\n", name, json_tokener_error_desc(problem));
            continue;
        }
        const char *method = bp_get_string(message, "method", "");
        json_object *id = lookup(message, "id");
        json_object *params = lookup(message, "params");
        int stop = 0;
        if (strcmp(method, "initialize") == 0) {
            stop = handle_initialize(name, version, id, params, &context, decide != NULL, observe != NULL);
            status = stop;
        } else if (strcmp(method, "decide") == 0 && decide != NULL) {
            json_object *snapshot = lookup(params, "snapshot");
            const char *bad_vms = snapshot ? adopt_rows(snapshot, "vms", &vm_columns) : NULL;
            const char *bad_previous = params ? adopt_rows(params, "previous", &previous_columns) : NULL;
            json_object *allocations = json_object_new_array();
            if (context.options == NULL) context.options = json_object_new_object();
            if (bad_vms != NULL || bad_previous != NULL) {
                char text[256];
                snprintf(text, sizeof text, "decide params: %s %s", bad_vms ? "snapshot.vms" : "previous", bad_vms ? bad_vms : bad_previous);
                fprintf(stderr, "%s: %s\n", name, text);
                json_object_put(allocations);
                answer_error(id, -32602, text);
            } else if (decide(&context, snapshot, lookup(params, "previous"), allocations) == 0) {
                json_object *result = json_object_new_object();
                json_object_object_add(result, "allocations", allocations);
                answer(id, result);
            } else {
                json_object_put(allocations);
                answer_error(id, -32603, "decide failed in the plugin (see its stderr)");
            }
            release_rows(&vm_columns);
            release_rows(&previous_columns);
        } else if (strcmp(method, "observe") == 0) {
            if (observe != NULL) observe(&context, params);
        } else if (strcmp(method, "shutdown") == 0) {
            answer(id, NULL);
            stop = 1;
        } else if (id != NULL) {
            answer_error(id, -32601, "unknown method");
        }
        json_object_put(message);
        if (stop) break;
    }
    free(line);
    if (context.options) json_object_put(context.options);
    return status;
}
