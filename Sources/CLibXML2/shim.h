#ifndef BALLAST_CLIBXML2_SHIM_H
#define BALLAST_CLIBXML2_SHIM_H
/* Debian builds libxml2 with ICU, whose headers clash with the Swift toolchain's
 * own ICU module when both are imported into one Swift module. Ballast never
 * touches libxml2's ICU-specific encoding structures, so hide them. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function pointer in libxml2; hand it to Swift as a plain call. */
static inline void ballast_xml_free(void *pointer) {
    xmlFree(pointer);
}
#endif
