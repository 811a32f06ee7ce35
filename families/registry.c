/*
 * registry: every family of the suite, in one place.
 *
 * bin/compare runs its scenarios over this list and each family's kinds, so a
 * new family appears in the matrix, the trace diff and the diagrams with one
 * row here (and its test_address hook, see common/family.h).
 */
#include "families.h"

const struct family *const sockfam_families[] = {
	&family_inet,
	&family_inet6,
	&family_unix,
	&family_netlink,
	NULL,
};
