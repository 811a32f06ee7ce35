/*
 * chat: a conversation (--service chat). Each line a client types goes to
 * everyone else connected and to the person at the server; what that person
 * types goes to every client. Under iterative it is a conversation of two,
 * one client after another; under thread, prethread, select, poll and
 * epoll, a room (the thread models through mailboxes: server.c). Either
 * side ends it with a line "/quit" or the end of its input, and the others
 * are told who left; the server then waits for the next person.
 */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "server.h"

/* One line, framed, to one client. */
static void tell(struct conn *c, const char *fmt, const char *a, const char *b, size_t blen)
{
	char line[1200];
	int n = snprintf(line, sizeof line, fmt, a, (int)blen, b);
	if (n > 0)
		conn_send(c, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* The same to everyone but `from` (the protocol's English line), and to the
 * person at the server (in their language: local, a format of one %s, who). */
static void announce(struct server *sv, struct conn *from, const char *text, const char *local)
{
	sv_broadcast(sv, from, text, strlen(text));
	sv_say(sv, local, conn_who(from));
}

static int chat_opened(struct conn *c)
{
	tell(c, "*** you are in %s's chat; type /quit to leave%.*s", c->sv->s->prog, "", 0);
	char text[256];
	snprintf(text, sizeof text, "*** %s joined", conn_who(c));
	announce(c->sv, c, text, _("*** %s joined"));
	return 0;
}

static int is_quit(const char *buf, size_t n)
{
	while (n && (buf[n - 1] == '\r' || buf[n - 1] == ' '))
		n--;
	return n == 5 && !memcmp(buf, "/quit", 5);
}

static int chat_data(struct conn *c, char *buf, size_t n)
{
	if (is_quit(buf, n)) {
		tell(c, "*** bye%s%.*s", "", "", 0);
		return -1;
	}
	char line[1200];
	int len = snprintf(line, sizeof line, "%s: %.*s", conn_who(c), (int)(n < 1024 ? n : 1024), buf);
	if (n > 1024)
		len = snprintf(line, sizeof line, "%s: %.*s [... %zu more bytes not shown]", conn_who(c), 1024, buf,
			       n - 1024);
	sv_broadcast(c->sv, c, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
	sv_say(c->sv, "%s", line);
	return 0;
}

static void chat_closed(struct conn *c)
{
	char text[256];
	snprintf(text, sizeof text, "*** %s left", conn_who(c));
	announce(c->sv, c, text, _("*** %s left"));
}

static void chat_keyboard(struct server *sv, const char *line, size_t n)
{
	if (!line || is_quit(line, n)) {
		/* the person at the server leaves: everyone is told and let go; the
		 * server goes on taking the next people */
		if (line || sv_room_count(sv))
			sv_say(sv, "%s", line ? _("*** you left the chat") : _("*** you left the chat (end of input)"));
		sv_room_end(sv, "*** the server left", 19);
		return;
	}
	char msg[1200];
	int len = snprintf(msg, sizeof msg, "server: %.*s", (int)(n < 1024 ? n : 1024), line);
	sv_broadcast(sv, NULL, msg, (size_t)len < sizeof msg ? (size_t)len : sizeof msg - 1);
}

const struct service service_chat = {
	.name = "chat",
	.summary = N_("a conversation; a room under thread, prethread, select, poll, epoll"),
	.opened = chat_opened,
	.data = chat_data,
	.closed = chat_closed,
	.keyboard = chat_keyboard,
	.room = 1,
	.client_quit = "/quit",
	.client_peer_may_end = 1,
};
