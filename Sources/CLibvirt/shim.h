#ifndef BALLAST_CLIBVIRT_SHIM_H
#define BALLAST_CLIBVIRT_SHIM_H
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#endif
