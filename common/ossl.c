/* ossl: OpenSSL loaded at run time (see ossl.h). */
#define _GNU_SOURCE
#define OSSL_TABLE_ITSELF
#include "ossl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "i18n.h"

/* What a function of the table is until its library is loaded: a call
 * there is a path of ours that forgot ossl_load, said before stopping. */
static void not_loaded(void)
{
	static const char msg[] = "sockfam: an OpenSSL function was called before OpenSSL was loaded (ossl_load)\n";
	if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
	abort();
}

#define OSSL_UNSET(part, name) .name = (__typeof__(name) *)not_loaded,
struct ossl_functions ossl_fn = { OSSL_FUNCTIONS(OSSL_UNSET) };
#undef OSSL_UNSET

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded;   /* the parts whose functions are all in ossl_fn */

/* The library of a part: its Debian name, or the environment's (not in a
 * set-user-ID run: secure_getenv). */
static const char *library(enum ossl_part part)
{
	const char *env = secure_getenv(part == OSSL_SSL ? "SOCKFAM_LIBSSL" : "SOCKFAM_LIBCRYPTO");
	if (env && *env)
		return env;
	return part == OSSL_SSL ? "libssl.so.3" : "libcrypto.so.3";
}

/* One part: its library opened and each of its functions found, into a
 * copy of the table first (a failure leaves ossl_fn as it was). Under lock. */
static int load_part(enum ossl_part part, struct sbuf *err)
{
	const char *lib = library(part);
	/* RTLD_LOCAL: its names do not join the program's; never closed */
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		sb_printf(err, "%s", why ? why : lib);
		return -1;
	}
	struct ossl_functions t = ossl_fn;
	void *f;
#define OSSL_FIND(p, name)                                                               \
	if (p == part) {                                                                   \
		dlerror();                                                                 \
		if (!(f = dlsym(h, #name))) {                                               \
			sb_printf(err, _("%s has no function %s (OpenSSL 3.0 or later has it)"), lib, #name); \
			return -1;                                                         \
		}                                                                          \
		*(void **)&t.name = f;                                                     \
	}
	OSSL_FUNCTIONS(OSSL_FIND)
#undef OSSL_FIND
	ossl_fn = t;
	return 0;
}

int ossl_load(enum ossl_part part, struct sbuf *err)
{
	int want = part == OSSL_SSL ? OSSL_CRYPTO | OSSL_SSL : OSSL_CRYPTO;
	if ((__atomic_load_n(&loaded, __ATOMIC_ACQUIRE) & want) == want)
		return 0;
	int rc = 0;
	pthread_mutex_lock(&lock);
	if (!(loaded & OSSL_CRYPTO) && (rc = load_part(OSSL_CRYPTO, err)) == 0)
		__atomic_or_fetch(&loaded, OSSL_CRYPTO, __ATOMIC_RELEASE);
	if (rc == 0 && (want & OSSL_SSL) && !(loaded & OSSL_SSL) && (rc = load_part(OSSL_SSL, err)) == 0)
		__atomic_or_fetch(&loaded, OSSL_SSL, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&lock);
	return rc;
}

int ossl_need(enum ossl_part part, const char *prog, const char *what)
{
	struct sbuf err = SBUF_INIT;
	int rc = 0;
	if (ossl_load(part, &err) < 0) {
		fprintf(stderr, _("%s: %s needs OpenSSL 3 (Debian's package libssl3): %s\n"), prog, what,
			sb_str(&err));
		rc = 1;
	}
	sb_free(&err);
	return rc;
}
