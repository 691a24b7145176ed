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
#endif
