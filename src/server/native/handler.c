/*
 * The handler's blocking wait and CPU work, for the native per-request threads and the fork
 * children: the same semantics as src/server/cpu-burn.ts (CPU time, not wall time; with a GIL,
 * run only while holding it and requeue after each switch interval when others wait), read from
 * the thread's own CPU clock, which C has exactly (JS reads /proc/thread-self/schedstat).
 */
#include "handler.h"

#include <errno.h>
#include <time.h>

#include "gil.h"

/* Spin between two reads of the CPU clock: short against a 5 ms switch interval. */
#define SPIN_ROUNDS 2000

static double clock_ms(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

void handler_sleep_ms(double ms) {
  if (ms <= 0) return;
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  long long ns = (long long)(ms * 1e6);
  until.tv_sec += ns / 1000000000LL;
  until.tv_nsec += ns % 1000000000LL;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR) {
  }
}

static volatile unsigned long sink;

static void set_state(atomic_int *state, int value) {
  if (state) atomic_store(state, value);
}

double handler_burn_cpu(double ms, int use_gil, atomic_int *state) {
  if (ms <= 0) return 0;
  /* A server thread (state given) counts itself among the threads burning CPU, GIL or not:
   * stats' max_concurrent_cpu (1 under the GIL). A fork child is a process of its own. */
  int counted = state != NULL;
  if (use_gil) {
    set_state(state, STATE_GIL_WAIT);
    gil_acquire();
  }
  if (counted) gil_count_burner(1);
  set_state(state, STATE_CPU);
  double start = clock_ms(CLOCK_THREAD_CPUTIME_ID);
  double slice = clock_ms(CLOCK_MONOTONIC);
  unsigned long x = sink;
  double used = 0;
  while (used < ms) {
    for (int i = 0; i < SPIN_ROUNDS; i++) x = (x * 1103515245UL + 12345UL) % 2147483647UL;
    used = clock_ms(CLOCK_THREAD_CPUTIME_ID) - start;
    if (use_gil && clock_ms(CLOCK_MONOTONIC) - slice >= GIL_SWITCH_INTERVAL_MS) {
      if (gil_waiters() > 0) {
        /* A wait for the GIL costs (almost) no CPU time: the thread's clock stands still. */
        if (counted) gil_count_burner(-1);
        set_state(state, STATE_GIL_WAIT);
        gil_yield_if_contended();
        set_state(state, STATE_CPU);
        if (counted) gil_count_burner(1);
      }
      slice = clock_ms(CLOCK_MONOTONIC);
    }
  }
  sink = x;
  if (counted) gil_count_burner(-1);
  if (use_gil) gil_release();
  return used;
}
