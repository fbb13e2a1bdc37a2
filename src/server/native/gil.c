/*
 * The GIL of the native per-request threads: the same lock as src/server/gil.ts, in C. One
 * holder runs CPU work at a time; waiters queue FIFO, and a release hands the lock straight to the
 * oldest waiter (each waits on its own condition, so a release wakes that one thread only, as
 * CPython's drop_gil signals one waiter). A holder gives the lock up after each switch interval
 * when someone waits (handler.c). Waiters sleep in timed slices of the switch interval, as
 * CPython's take_gil does: in /proc a GIL waiter is a futex wait with a timeout, an idle thread's
 * has none, which is how inspect tells them apart.
 */
#include "gil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

struct waiter {
  pthread_cond_t cv;
  int granted;
  struct waiter *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int held;
static struct waiter *head, *tail;
static atomic_int queued;
static atomic_long switches;
static atomic_int cpu_active, cpu_active_max;

void gil_acquire(void) {
  pthread_mutex_lock(&mu);
  if (!held && head == NULL) {
    held = 1;
    pthread_mutex_unlock(&mu);
    return;
  }
  struct waiter w = {.granted = 0, .next = NULL};
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&w.cv, &attr);
  pthread_condattr_destroy(&attr);
  if (tail) tail->next = &w;
  else head = &w;
  tail = &w;
  atomic_fetch_add(&queued, 1);
  while (!w.granted) {
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += (long)(GIL_SWITCH_INTERVAL_MS * 1e6);
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&w.cv, &mu, &until);
  }
  /* Granted: the releaser left `held` at 1 and took us off the queue. */
  pthread_mutex_unlock(&mu);
  pthread_cond_destroy(&w.cv);
}

void gil_release(void) {
  pthread_mutex_lock(&mu);
  struct waiter *w = head;
  if (w) {
    head = w->next;
    if (!head) tail = NULL;
    atomic_fetch_sub(&queued, 1);
    w->granted = 1;
    pthread_cond_signal(&w->cv);
  } else {
    held = 0;
  }
  pthread_mutex_unlock(&mu);
}

int gil_waiters(void) {
  return atomic_load(&queued);
}

int gil_yield_if_contended(void) {
  if (gil_waiters() <= 0) return 0;
  atomic_fetch_add(&switches, 1);
  gil_release();
  gil_acquire();
  return 1;
}

void gil_count_burner(int delta) {
  int now = atomic_fetch_add(&cpu_active, delta) + delta;
  if (delta < 0) return;
  int max = atomic_load(&cpu_active_max);
  while (now > max && !atomic_compare_exchange_weak(&cpu_active_max, &max, now)) {
  }
}

gil_counters gil_read_counters(void) {
  gil_counters c = {atomic_load(&switches), atomic_load(&cpu_active), atomic_load(&cpu_active_max)};
  return c;
}
