/*
 * fuzz_msghdr: a struct msghdr as recvmsg fills it: the sender's address
 * (msg_name, msg_namelen), the data (one or two iovecs, of a UNIX or a
 * netlink socket) and the control messages (cmsg_len is the sender's word,
 * msg_controllen the kernel's). Each part is copied into a buffer of its
 * exact size, so reading past any of them is reported.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <linux/netlink.h>

#include "fuzz.h"

/* The next part: a length byte (scaled), then that many bytes, in a copy of its own. */
static void *part(const uint8_t **data, size_t *size, size_t scale, size_t *len)
{
	size_t want = (size_t)fuzz_byte(data, size) * scale;
	if (want > *size)
		want = *size;
	void *p = malloc(want ? want : 1);
	if (p)
		memcpy(p, *data, want);
	*data += want;
	*size -= want;
	*len = want;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_trace_opts(&data, &size);
	uint8_t how = fuzz_byte(&data, &size);
	int domain = how & 1 ? AF_NETLINK : AF_UNIX;
	size_t namelen, iov0, ctl;
	void *name = part(&data, &size, 1, &namelen);
	void *base0 = part(&data, &size, 4, &iov0);
	void *control = part(&data, &size, 1, &ctl);
	void *base1 = malloc(size ? size : 1);
	if (base1)
		memcpy(base1, data, size);
	if (name && base0 && control && base1) {
		struct iovec iov[2] = { { base0, iov0 }, { base1, size } };
		struct msghdr msg = {
			.msg_name = how & 2 ? NULL : name,
			.msg_namelen = (socklen_t)namelen,
			.msg_iov = iov,
			.msg_iovlen = how & 4 ? 2 : 1,
			.msg_control = how & 8 ? NULL : control,
			.msg_controllen = how & 8 ? 0 : ctl,
			.msg_flags = (int)how << 1,
		};
		/* recvmsg: the kernel says how long the sender's address was, which
		 * may be more (it was cut) or less than the buffer */
		size_t d = how >> 5;
		msg.msg_namelen = (socklen_t)(how & 16 ? namelen + d : namelen - (d < namelen ? d : namelen));
		long got = (long)(iov0 + size) - (how >> 6);
		struct sbuf sb = SBUF_INIT;
		dec_msghdr_vr(&sb, &msg, (socklen_t)namelen, got < 0 ? 0 : got, domain, NETLINK_ROUTE);
		/* sendmsg: everything is ours and as long as it says */
		msg.msg_namelen = (socklen_t)namelen;
		sb_reset(&sb);
		dec_msghdr(&sb, &msg, -1, domain, NETLINK_SOCK_DIAG);
		sb_free(&sb);
	}
	free(name);
	free(base0);
	free(control);
	free(base1);
	return 0;
}
