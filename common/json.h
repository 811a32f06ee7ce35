/* json: the pieces of JSON output the programs share. */
#ifndef SOCKFAM_JSON_H
#define SOCKFAM_JSON_H

#include <stdio.h>

/* s as a JSON string: quoted, with ", \\ and control bytes escaped; UTF-8
 * characters as they are, other bytes from 0x7f up as \\u00XX. */
void json_str(FILE *out, const char *s);

#endif
