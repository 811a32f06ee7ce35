/*
 * sockopt: socket options read and set on a fresh socket (bin/sockopt).
 *
 * One table (sockopt.c) of the options the users' notes and the common
 * textbooks name: their level, the shape of their value, and a typical value
 * to set. Every option of the table is tried on every socket: what the kernel
 * refuses for that family and kind is reported with its errno, never left
 * out. Every getsockopt/setsockopt goes through the trace layer.
 */
#ifndef SOCKFAM_SOCKOPT_H
#define SOCKFAM_SOCKOPT_H

#include <stdio.h>

#include "family.h"
#include "sbuf.h"

struct sopt_row;

/* One option the user named: OPTION or OPTION=VALUE. */
struct sopt_req {
	const struct sopt_row *row;
	int has_value;
	union sopt_value {
		int i;
		struct { int onoff, secs; } linger;
		struct { long sec, usec; } tv;
	} value;
};

/* Parses "SO_RCVBUF", "so_rcvbuf=4096", "SO_LINGER=1,5", "SO_RCVTIMEO=2.5".
 * Touches no socket. 0, or -1 with one line in err. */
int sockopt_parse(const char *word, struct sopt_req *req, struct sbuf *err);

/* Every option name of the table, comma-separated (for --help). */
void sockopt_names(struct sbuf *out);

/* A fresh socket of family f and kind k; each option of reqs (all of the
 * table when n is 0) read, set (its VALUE, or the table's typical value) and
 * read back; the report on out, as text or JSON. The exit status: 0, or 1
 * when the socket could not be made or an option the user named was refused. */
int sockopt_run(const struct family *f, const struct sock_kind *k, const struct sopt_req *reqs, size_t n,
		int json, FILE *out);

#endif
