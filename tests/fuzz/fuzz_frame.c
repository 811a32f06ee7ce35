/*
 * fuzz_frame: a peer's byte stream cut into messages (--framing none, line,
 * length) as the servers and clients cut it: any bytes, arriving in pieces
 * of any size, under a small or the default --max-frame. Each message handed
 * out must lie inside what arrived, respect the limit, and (line) hold no
 * newline; and messages framed with encode() must come back whole, the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/frame.h"
#include "fuzz.h"

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "fuzz_frame: %s does not hold\n", #cond);   \
			abort();                                                    \
		}                                                                   \
	} while (0)

/* Feeds `in` in pieces sized by `sizes`, taking every message out after each
 * piece (and at the end, eof); the messages are appended to `got` framed by
 * the length framing, so they can be compared. The count, or -1 when refused. */
static int cut(const struct framing *f, size_t max, const uint8_t *in, size_t n, const uint8_t *sizes,
	       size_t nsizes, struct sbuf *got)
{
	struct deframer d;
	struct sbuf err = SBUF_INIT;
	const struct framing *len_framing = framing_find("length");
	int count = 0, r = 0;
	deframer_init(&d, f, max);
	for (size_t off = 0, k = 0; r >= 0;) {
		int eof = off == n;
		if (!eof) {
			size_t piece = nsizes ? (size_t)sizes[k++ % nsizes] + 1 : n;
			if (piece > n - off)
				piece = n - off;
			if (deframer_add(&d, (const char *)in + off, piece, &err) < 0) {
				r = -1;
				break;
			}
			off += piece;
		}
		const char *msg;
		size_t len;
		while ((r = deframer_next(&d, eof, &msg, &len, &err)) == 1) {
			CHECK(msg[len] == '\0');
			CHECK(!f->cuts || len <= max);
			CHECK(!f->cuts || f->binary || !memchr(msg, '\n', len));
			len_framing->encode(got, msg, len);
			count++;
		}
		if (eof)
			break;
	}
	CHECK(r >= 0 || err.len);   /* a refusal always says why */
	deframer_free(&d);
	sb_free(&err);
	return r < 0 ? -1 : count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t how = fuzz_byte(&data, &size);
	const struct framing *f = framings[how % 3];
	size_t max = how & 4 ? FRAME_MAX_DEFAULT : (size_t)(how >> 3) + 1;
	size_t nsizes = size < 8 ? size : 8;
	const uint8_t *sizes = data;
	data += nsizes;
	size -= nsizes;

	/* the bytes as a peer sent them */
	struct sbuf got = SBUF_INIT;
	cut(f, max, data, size, sizes, nsizes, &got);
	sb_reset(&got);

	/* messages (the bytes split at 0xff; no newline for line framing) framed,
	 * then cut again: the same messages must come out */
	if (!f->cuts)
		return sb_free(&got), 0;
	struct sbuf sent = SBUF_INIT, framed = SBUF_INIT;
	const struct framing *len_framing = framing_find("length");
	int nmsg = 0;
	for (size_t i = 0, start = 0; i <= size; i++) {
		if (i < size && data[i] != 0xff)
			continue;
		const char *m = (const char *)data + start;
		size_t l = i - start;
		start = i + 1;
		if (l > max || (!f->binary && memchr(m, '\n', l)))
			continue;
		if (!f->binary && i == size && l == 0)
			continue;   /* line: an empty last piece is no message at all */
		f->encode(&framed, m, l);
		len_framing->encode(&sent, m, l);
		nmsg++;
	}
	int count = cut(f, max, (const uint8_t *)framed.p, framed.len, sizes, nsizes, &got);
	CHECK(count == nmsg);
	CHECK(got.len == sent.len && (!got.len || !memcmp(got.p, sent.p, got.len)));
	sb_free(&got);
	sb_free(&sent);
	sb_free(&framed);
	return 0;
}
