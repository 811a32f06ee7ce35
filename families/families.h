/* The families this suite instantiates the skeleton with. */
#ifndef SOCKFAM_FAMILIES_H
#define SOCKFAM_FAMILIES_H

#include "../common/family.h"

extern const struct family family_inet;
extern const struct family family_inet6;
extern const struct family family_unix;
extern const struct family family_netlink;   /* netlink.c: netlink-query, netlink-monitor */

/* Every family, in the order bin/compare shows them; ends with NULL (registry.c). */
extern const struct family *const sockfam_families[];

#endif
