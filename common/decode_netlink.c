/*
 * decode_netlink: netlink messages in strace 6.1's notation.
 *
 * A buffer holding one message prints as [{nlmsghdr}, payload]; several as
 * [[msg1], [msg2]]. NLMSG_DONE carries an int, NLMSG_ERROR an nlmsgerr whose
 * copy of the request is decoded again. A payload this file has no table for
 * is printed as hex bytes, as strace does.
 */
#include "decode.h"

#include <linux/netlink.h>
#include <string.h>

static const struct xlat xlat_nlmsg_ctl[] = {
	XLAT(NLMSG_NOOP), XLAT(NLMSG_ERROR), XLAT(NLMSG_DONE), XLAT(NLMSG_OVERRUN), XLAT_END
};

static const struct xlat xlat_nlm_flags[] = {
	XLAT(NLM_F_REQUEST), XLAT(NLM_F_MULTI), XLAT(NLM_F_ACK), XLAT(NLM_F_ECHO),
	XLAT(NLM_F_DUMP_INTR), XLAT(NLM_F_DUMP_FILTERED), XLAT_END
};

static void hexstr(struct sbuf *sb, const void *p, size_t n)
{
	int saved = decode_opts.xflag;
	decode_opts.xflag = 2;
	dec_str(sb, p, n, -1);
	decode_opts.xflag = saved;
}

static void dec_nlmsghdr(struct sbuf *sb, const struct nlmsghdr *h)
{
	sb_printf(sb, "{nlmsg_len=%u, nlmsg_type=", h->nlmsg_len);
	dec_xval(sb, xlat_nlmsg_ctl, h->nlmsg_type, "NLMSG_???", 0);
	sb_puts(sb, ", nlmsg_flags=");
	dec_flags(sb, xlat_nlm_flags, h->nlmsg_flags);
	sb_printf(sb, ", nlmsg_seq=%u, nlmsg_pid=%u}", h->nlmsg_seq, h->nlmsg_pid);
}

static void dec_one(struct sbuf *sb, int protocol, const struct nlmsghdr *h, size_t avail);

static void dec_error(struct sbuf *sb, int protocol, const void *p, size_t n)
{
	if (n < sizeof(int)) {
		hexstr(sb, p, n);
		return;
	}
	const struct nlmsgerr *e = p;
	sb_puts(sb, "{error=");
	if (e->error < 0) {
		sb_putc(sb, '-');
		dec_errno_name(sb, -e->error);
	} else {
		sb_printf(sb, "%d", e->error);
	}
	if (n >= sizeof *e) {
		sb_puts(sb, ", msg=");
		size_t m = n - offsetof(struct nlmsgerr, msg);
		size_t len = e->msg.nlmsg_len < m ? e->msg.nlmsg_len : m;
		dec_one(sb, protocol, &e->msg, len);
	}
	sb_putc(sb, '}');
}

static void dec_one(struct sbuf *sb, int protocol, const struct nlmsghdr *h, size_t avail)
{
	sb_putc(sb, '[');
	dec_nlmsghdr(sb, h);
	size_t len = h->nlmsg_len < avail ? h->nlmsg_len : avail;
	if (len > NLMSG_HDRLEN) {
		const void *p = (const char *)h + NLMSG_HDRLEN;
		size_t n = len - NLMSG_HDRLEN;
		sb_puts(sb, ", ");
		if (h->nlmsg_type == NLMSG_DONE && n >= sizeof(int))
			sb_printf(sb, "%d", *(const int *)p);
		else if (h->nlmsg_type == NLMSG_ERROR)
			dec_error(sb, protocol, p, n);
		else
			hexstr(sb, p, n);
	}
	sb_putc(sb, ']');
}

void dec_netlink(struct sbuf *sb, int protocol, const void *buf, size_t len)
{
	const struct nlmsghdr *h = buf;
	size_t left = len;
	int count = 0;
	for (const struct nlmsghdr *m = h; NLMSG_OK(m, left); m = NLMSG_NEXT(m, left))
		count++;
	left = len;
	if (count <= 1) {
		dec_one(sb, protocol, h, len);
		return;
	}
	sb_putc(sb, '[');
	int i = 0;
	for (const struct nlmsghdr *m = h; NLMSG_OK(m, left); m = NLMSG_NEXT(m, left), i++) {
		if (i)
			sb_puts(sb, ", ");
		dec_one(sb, protocol, m, left);
	}
	sb_putc(sb, ']');
}
