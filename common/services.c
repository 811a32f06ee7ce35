/*
 * services: what a server does with a connection (or a datagram), one table
 * entry each, written as callbacks every model drives (see server.h). A
 * service answers with conn_write(); it never reads or waits itself, so it
 * runs the same under a blocking model and an event loop.
 */
#include "server.h"

#include <string.h>

#include "i18n.h"
#include "skeleton.h"
#include "upload.h"

extern const struct service service_cmd;   /* cmd.c */

/* echo: every message comes back, ASCII letters upper-cased, so a student
 * sees the server touched it; framed as it came (--framing), and all the
 * answers to one read go out in one write. */
static int echo_data(struct conn *c, char *buf, size_t n)
{
	skel_transform(buf, n);
	return conn_send(c, buf, n);
}

static const struct service service_echo = {
	.name = "echo",
	.summary = N_("every message back upper-cased (the default)"),
	.data = echo_data,
};

extern const struct service service_chat;  /* chat.c */

const struct service *const services[] = { &service_echo, &service_chat, &service_cmd, &service_upload, NULL };

const struct service *service_find(const char *name)
{
	for (const struct service *const *s = services; *s; s++)
		if (!strcmp((*s)->name, name))
			return *s;
	return NULL;
}
