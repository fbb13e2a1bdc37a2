/* The native GIL of the per-request models: one per process, as CPython's. See gil.c. */
#ifndef CPDIAG_GIL_H
#define CPDIAG_GIL_H

/* CPython's default sys.getswitchinterval(), as GIL_SWITCH_INTERVAL_MS in shared-layout.ts. */
#define GIL_SWITCH_INTERVAL_MS 5.0

void gil_acquire(void);
void gil_release(void);
/* Threads queued behind the holder. */
int gil_waiters(void);
/* Called by a holder at the end of a switch interval: requeue behind the waiters, if any. */
int gil_yield_if_contended(void);

/* Threads burning CPU now (in or out of the GIL), keeping the most there ever were at once. */
void gil_count_burner(int delta);

typedef struct {
  long switches;
  int cpu_active;
  int cpu_active_max;
} gil_counters;
gil_counters gil_read_counters(void);

#endif
