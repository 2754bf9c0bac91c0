/*
 * pair.h - the one way opsc splits work in two: half on a second thread,
 * half on this one. The halves write only their own state, which the
 * caller merges in a fixed order afterwards, so output never depends on
 * which thread finished first.
 */
#ifndef OPSC_PAIR_H
#define OPSC_PAIR_H

#include <pthread.h>
#include <stdbool.h>

/* Runs fn(b) on a second thread and fn(a) here; both have run on return.
 * With `alone` (too little work to share), or when no thread can be
 * started, both run here, a first. */
static inline void opsc_run_pair(void *(*fn)(void *), void *a, void *b, bool alone)
{
	pthread_t tid;
	bool threaded = !alone && pthread_create(&tid, NULL, fn, b) == 0;
	fn(a);
	if (threaded)
		pthread_join(tid, NULL);
	else
		fn(b);
}

#endif
