/*
 * tsan_start: linked into every program of make check-sanitize's TSan build
 * (never into the normal one).
 *
 * ThreadSanitizer starts a helper thread of its own when a program creates
 * its first thread. The model tests count a server's threads before and
 * after 500 clients, so a helper that appears in between would count as a
 * thread the server leaked. Creating (and joining) one thread before main()
 * makes the helper exist from the start.
 */
#include <pthread.h>

static void *nothing(void *arg)
{
	return arg;
}

__attribute__((constructor)) static void tsan_start_helper(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, nothing, NULL) == 0)
		pthread_join(t, NULL);
}
