/*
 * ipopts: options inet and inet6 share (ipopts.c): broadcast, multicast
 * and fragmentation, each an entry of the family's option table whose set
 * function is here, applied by the hooks here.
 */
#ifndef SOCKFAM_IPOPTS_H
#define SOCKFAM_IPOPTS_H

#include "families.h"

/* s->fam_flags bits (the families' own flags start above them) */
enum { IPO_BROADCAST = 1 << 8, IPO_NO_LOOP = 1 << 9, IPO_DONT_FRAGMENT = 1 << 10 };

int ipo_broadcast(struct session *s, const char *arg, struct sbuf *err);
int ipo_no_loop(struct session *s, const char *arg, struct sbuf *err);
int ipo_dont_fragment(struct session *s, const char *arg, struct sbuf *err);
int ipo_ttl(struct session *s, const char *arg, struct sbuf *err);
int ipo_join4(struct session *s, const char *arg, struct sbuf *err);
int ipo_join6(struct session *s, const char *arg, struct sbuf *err);

/* From resolve(): what the options need of the rest of the command line. */
int ipo_check(const struct session *s, struct sbuf *err);
/* client_before_connect, server_after_bind, explain */
int ipo_client_before(struct session *s, int fd);
int ipo_server_after_bind(struct session *s, int fd);
const char *ipo_explain(const struct session *s, const char *call, int err);

#endif
