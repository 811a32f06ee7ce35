/*
 * fuzz_chat: lines from chat peers and from the person at the server
 * (--service chat), through the service itself on a connection that only
 * gathers what would be sent (no socket): any bytes, any length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../common/server.h"
#include "fuzz.h"

static void no_conns(struct server *sv, int (*fn)(struct conn *c, void *arg), void *arg)
{
	(void)sv, (void)fn, (void)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sock_kind stream = { "stream", "SOCK_STREAM", SOCK_STREAM, 0 };
	struct session s = { .prog = "fuzz_chat", .kind = &stream, .framing = framing_find("line") };
	struct server_opts o = { .no_log = 1 };
	struct server sv = { .s = &s, .o = &o, .each_conn = no_conns };
	struct conn c = { .sv = &sv, .fd = -1, .framed = 1, .batching = 1 };
	snprintf(c.who, sizeof c.who, "peer");
	c.who_made = 1;   /* conn_who() reads it as it is */
	const struct service *chat = service_find("chat");
	char *buf = malloc(size + 1);
	if (!chat || !buf)
		abort();
	memcpy(buf, data, size);
	if (size && data[0] & 1) {
		chat->keyboard(&sv, buf, size);
	} else {
		chat->opened(&c);
		chat->data(&c, buf, size);
		chat->closed(&c);
	}
	free(buf);
	sb_free(&c.batch);
	return 0;
}
