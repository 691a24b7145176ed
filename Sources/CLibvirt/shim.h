#ifndef BALLAST_CLIBVIRT_SHIM_H
#define BALLAST_CLIBVIRT_SHIM_H
#include <stddef.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* The name of a typed parameter: Swift sees the fixed-size char array as a
 * tuple, so hand it over as a C string instead. */
static inline const char *ballast_typed_param_field(const virTypedParameter *param) {
    return param->field;
}

static void ballast_ignore_error(void *userData, virErrorPtr error) {
    (void)userData;
    (void)error;
}

/* Replaces libvirt's default error handler, which prints every error to stderr,
 * with one that does nothing: Ballast reads each error itself (virGetLastError)
 * in the call that failed and reports it as a typed Swift error. */
static inline void ballast_silence_default_error_printer(void) {
    virSetErrorFunc(NULL, ballast_ignore_error);
}

static inline void ballast_silence_connection_error_printer(virConnectPtr conn) {
    virConnSetErrorFunc(conn, NULL, ballast_ignore_error);
}
/* ---- Events: libvirt's callbacks copy each event's facts into one flat struct and
 * hand it to a single sink (Swift), so Swift never casts libvirt's callback types. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    BALLAST_EVENT_LIFECYCLE = 0,
    BALLAST_EVENT_BALLOON_CHANGE = 1,
    BALLAST_EVENT_MEMORY_DEVICE_SIZE_CHANGE = 2,
    BALLAST_EVENT_JOB_COMPLETED = 3,
    BALLAST_EVENT_CONNECTION_CLOSED = 4
};

/* One event. `name` is valid only during the sink's call. */
typedef struct {
    int kind;
    int event;              /* lifecycle: virDomainEventType; connection closed: virConnectCloseReason */
    int detail;             /* lifecycle: the event's detail */
    unsigned long long kib; /* balloon change: actual KiB; memory device: new size KiB */
    char uuid[VIR_UUID_STRING_BUFLEN];
    const char *name;
} ballast_event;

typedef void (*ballast_event_sink)(const ballast_event *event, void *opaque);
typedef void (*ballast_event_release)(void *opaque);

typedef struct {
    ballast_event_sink sink;
    ballast_event_release release;
    void *opaque;
} ballast_event_target;

static void ballast_event_target_free(void *pointer) {
    ballast_event_target *target = pointer;
    target->release(target->opaque);
    free(target);
}

static void ballast_event_deliver(void *opaque, int kind, virDomainPtr domain, int event, int detail,
                                  unsigned long long kib) {
    ballast_event_target *target = opaque;
    ballast_event copy;
    memset(&copy, 0, sizeof copy);
    copy.kind = kind;
    copy.event = event;
    copy.detail = detail;
    copy.kib = kib;
    if (domain) {
        if (virDomainGetUUIDString(domain, copy.uuid) < 0) copy.uuid[0] = 0;
        copy.name = virDomainGetName(domain);
    }
    target->sink(&copy, target->opaque);
}

static int ballast_on_lifecycle(virConnectPtr conn, virDomainPtr domain, int event, int detail, void *opaque) {
    (void)conn;
    ballast_event_deliver(opaque, BALLAST_EVENT_LIFECYCLE, domain, event, detail, 0);
    return 0;
}

static void ballast_on_balloon_change(virConnectPtr conn, virDomainPtr domain, unsigned long long actual, void *opaque) {
    (void)conn;
    ballast_event_deliver(opaque, BALLAST_EVENT_BALLOON_CHANGE, domain, 0, 0, actual);
}

static void ballast_on_job_completed(virConnectPtr conn, virDomainPtr domain, virTypedParameterPtr params,
                                     int nparams, void *opaque) {
    (void)conn; (void)params; (void)nparams;
    ballast_event_deliver(opaque, BALLAST_EVENT_JOB_COMPLETED, domain, 0, 0, 0);
}

#if LIBVIR_CHECK_VERSION(7, 9, 0)
static void ballast_on_memory_device_size_change(virConnectPtr conn, virDomainPtr domain, const char *alias,
                                                 unsigned long long size, void *opaque) {
    (void)conn; (void)alias;
    ballast_event_deliver(opaque, BALLAST_EVENT_MEMORY_DEVICE_SIZE_CHANGE, domain, 0, 0, size);
}
#endif

static void ballast_on_close(virConnectPtr conn, int reason, void *opaque) {
    (void)conn;
    ballast_event_deliver(opaque, BALLAST_EVENT_CONNECTION_CLOSED, NULL, reason, 0, 0);
}

/* Registers `sink` for one kind of domain event on `conn`; returns libvirt's callback id,
 * or -1 (libvirt's error is set; `release` has not been called: the caller still owns opaque). */
static inline int ballast_register_domain_event(virConnectPtr conn, int kind, ballast_event_sink sink,
                                                ballast_event_release release, void *opaque) {
    int id;
    virConnectDomainEventGenericCallback callback;
    switch (kind) {
    case BALLAST_EVENT_LIFECYCLE:
        id = VIR_DOMAIN_EVENT_ID_LIFECYCLE; callback = VIR_DOMAIN_EVENT_CALLBACK(ballast_on_lifecycle); break;
    case BALLAST_EVENT_BALLOON_CHANGE:
        id = VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE; callback = VIR_DOMAIN_EVENT_CALLBACK(ballast_on_balloon_change); break;
    case BALLAST_EVENT_JOB_COMPLETED:
        id = VIR_DOMAIN_EVENT_ID_JOB_COMPLETED; callback = VIR_DOMAIN_EVENT_CALLBACK(ballast_on_job_completed); break;
#if LIBVIR_CHECK_VERSION(7, 9, 0)
    case BALLAST_EVENT_MEMORY_DEVICE_SIZE_CHANGE:
        id = VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE;
        callback = VIR_DOMAIN_EVENT_CALLBACK(ballast_on_memory_device_size_change); break;
#endif
    default:
        return -1;
    }
    ballast_event_target *target = malloc(sizeof *target);
    if (!target) return -1;
    target->sink = sink;
    target->release = release;
    target->opaque = opaque;
    int result = virConnectDomainEventRegisterAny(conn, NULL, id, callback, target, ballast_event_target_free);
    if (result < 0) free(target);
    return result;
}

/* The connection's close callback (one per connection). Returns the target to hand to
 * ballast_unregister_close, or NULL (libvirt's error is set; `release` has not been
 * called: the caller still owns opaque). Ballast owns the target, not libvirt: a driver
 * without close callbacks (test:///, the drivers that run in the process) accepts the
 * registration, keeps nothing and never calls a free callback, so a target left to
 * libvirt to free leaked, with the relay it retains, on every connection (found by
 * LeakSanitizer, docs/sanitizers.md). */
static inline ballast_event_target *ballast_register_close(virConnectPtr conn, ballast_event_sink sink,
                                                           ballast_event_release release, void *opaque) {
    ballast_event_target *target = malloc(sizeof *target);
    if (!target) return NULL;
    target->sink = sink;
    target->release = release;
    target->opaque = opaque;
    if (virConnectRegisterCloseCallback(conn, ballast_on_close, target, NULL) < 0) {
        free(target);
        return NULL;
    }
    return target;
}

/* Unregisters the close callback; once libvirt cannot call it any more (it runs under the
 * lock that unregistering takes), frees `target` and releases its opaque. 0 or -1 as
 * libvirt returns; on -1 the target is kept: a leak rather than a callback into freed memory. */
static inline int ballast_unregister_close(virConnectPtr conn, ballast_event_target *target) {
    int result = virConnectUnregisterCloseCallback(conn, ballast_on_close);
    if (result == 0) ballast_event_target_free(target);
    return result;
}

static void ballast_drain_wake_pipe(int watch, int fd, int events, void *opaque) {
    char buffer[64];
    (void)watch; (void)events; (void)opaque;
    while (read(fd, buffer, sizeof buffer) > 0) {}
}

/* Watches the read end of a pipe in the default event loop: a byte written to the pipe
 * (a plain write, no libvirt call) wakes virEventRunDefaultImpl so its thread can see a
 * stop request. Added and removed on the event loop's own thread. */
static inline int ballast_add_wake_handle(int fd) {
    return virEventAddHandle(fd, VIR_EVENT_HANDLE_READABLE, ballast_drain_wake_pipe, NULL, NULL);
}
#endif
