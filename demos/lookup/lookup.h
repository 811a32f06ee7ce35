/*
 * lookup: what sits around the socket calls (bin/lookup): host names,
 * services and protocols from the machine's own files and resolver,
 * the textual address forms, and byte order. None of it makes a socket
 * call of its own (the resolver may: nscd, DNS; strace shows those).
 */
#ifndef SOCKFAM_LOOKUP_H
#define SOCKFAM_LOOKUP_H

#include <stdio.h>

/* Each returns the exit status of its part: 0, or 1 when something could not
 * be resolved (said on out, with the resolver's own error text). */
int lookup_hostname(FILE *out);
int lookup_operand(FILE *out, const char *word);

/* --addr: what inet_aton, inet_pton(AF_INET), inet_pton(AF_INET6) and
 * inet_ntop make of the form. 0, or -1 when no function accepts it
 * (nothing printed then: a usage error). */
int lookup_form(FILE *out, const char *form);
void lookup_form_why(FILE *out);

/* --order: a number from 0 to 4294967295 (decimal) into *v; 0, or -1. */
int lookup_order_parse(const char *text, unsigned long *v);
void lookup_order(FILE *out, unsigned long v);

#endif
