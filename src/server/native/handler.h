/* The handler's work, as src/server/worker-main.ts does it: a blocking wait, then CPU time. */
#ifndef CPDIAG_HANDLER_H
#define CPDIAG_HANDLER_H

#include <stdatomic.h>

/* WORKER_STATE in src/server/shared-layout.ts. */
enum { STATE_IDLE = 0, STATE_READING = 1, STATE_IO = 2, STATE_GIL_WAIT = 3, STATE_CPU = 4, STATE_WRITING = 5, STATE_STARTING = 6 };

/* A real blocking wait (clock_nanosleep): what a handler waiting on a database does. */
void handler_sleep_ms(double ms);

/*
 * Burns `ms` of this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), under the GIL when `use_gil`,
 * offering it to waiters after every switch interval; `state` (may be NULL) says whether the
 * thread waits for the GIL or computes. Returns the CPU time burned, in ms. Only
 * async-signal-safe calls when use_gil is 0 and state is NULL: a fork child runs it.
 */
double handler_burn_cpu(double ms, int use_gil, atomic_int *state);

#endif
