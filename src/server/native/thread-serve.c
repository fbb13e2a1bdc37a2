/*
 * thread-per-request with real threads: each request's handler runs on a new detached pthread
 * (what socketserver.ThreadingMixIn's threading.Thread is), which does the handler's blocking
 * wait and its CPU work under the process's one GIL, reports to the main thread and ends. The
 * acceptor (node:http on the main thread) parsed the request and writes the response, as for
 * every other model of the bundled server. The main thread learns of a finished handler through
 * a thread-safe function; stats and inspect read the live threads' tid and state.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "addon.h"
#include "gil.h"
#include "handler.h"

typedef struct job {
  int id;
  atomic_int tid;
  atomic_int state;
  double io_ms, cpu_ms;
  int status;
  int use_gil;
  double cpu_used_ms, work_s;
  struct job *prev, *next;
} job;

/* The live threads, for snapshots; touched under `live_mu` only. */
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static job *live;
static napi_threadsafe_function on_done;
/* Set (under report_mu) when Node tears the environment down: the thread-safe function is then
 * deleted, and a thread still running (close() without a drain) must not call it. */
static pthread_mutex_t report_mu = PTHREAD_MUTEX_INITIALIZER;
static int env_gone;

static void unlink_live(job *j) {
  pthread_mutex_lock(&live_mu);
  if (j->prev) j->prev->next = j->next;
  else live = j->next;
  if (j->next) j->next->prev = j->prev;
  pthread_mutex_unlock(&live_mu);
}

static double mono_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *thread_main(void *arg) {
  job *j = arg;
  char name[16];
  snprintf(name, sizeof name, "cpdiag-wk-%u", (unsigned)j->id % 100000u);
  pthread_setname_np(pthread_self(), name);
  atomic_store(&j->tid, (int)syscall(SYS_gettid));
  double started = mono_s();
  if (j->io_ms > 0) {
    atomic_store(&j->state, STATE_IO);
    handler_sleep_ms(j->io_ms);
  }
  j->cpu_used_ms = handler_burn_cpu(j->cpu_ms, j->use_gil, &j->state);
  j->work_s = mono_s() - started;
  atomic_store(&j->state, STATE_IDLE);
  unlink_live(j);
  /* The main thread frees the job once it has reported it (or at once if the env is gone). */
  pthread_mutex_lock(&report_mu);
  int reported = !env_gone && napi_call_threadsafe_function(on_done, j, napi_tsfn_blocking) == napi_ok;
  pthread_mutex_unlock(&report_mu);
  if (!reported) free(j);
  return NULL;
}

static void call_js(napi_env env, napi_value cb, void *context, void *data) {
  (void)context;
  job *j = data;
  if (env != NULL && cb != NULL) {
    napi_value argv[4], undefined;
    napi_create_int32(env, j->id, &argv[0]);
    napi_create_int32(env, j->status, &argv[1]);
    napi_create_double(env, j->cpu_used_ms, &argv[2]);
    napi_create_double(env, j->work_s, &argv[3]);
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, cb, 4, argv, NULL);
  }
  free(j);
}

static void on_env_cleanup(void *arg) {
  (void)arg;
  pthread_mutex_lock(&report_mu);
  env_gone = 1;
  pthread_mutex_unlock(&report_mu);
}

/* threadInit(onDone(id, status, cpuUsedMs, workS)): once per process. */
static napi_value thread_init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], name;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_valuetype type;
  ADDON_CHECK(env, argc == 1 && napi_typeof(env, argv[0], &type) == napi_ok && type == napi_function, "threadInit(onDone)");
  ADDON_CHECK(env, on_done == NULL, "threadInit: called twice");
  napi_create_string_utf8(env, "cpdiag-thread-done", NAPI_AUTO_LENGTH, &name);
  ADDON_CHECK(env, napi_create_threadsafe_function(env, argv[0], NULL, name, 0, 1, NULL, NULL, NULL, call_js, &on_done) == napi_ok,
              "threadInit: cannot create the thread-safe function");
  /* The server's sockets keep the process alive, not this channel. */
  napi_unref_threadsafe_function(env, on_done);
  /* Added after the thread-safe function, so it runs before that function's own cleanup (hooks run in reverse). */
  napi_add_env_cleanup_hook(env, on_env_cleanup, NULL);
  return NULL;
}

/* threadStart(id, ioMs, cpuMs, status, gil): a new detached thread runs the handler. */
static napi_value thread_start(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  ADDON_CHECK(env, argc == 5 && on_done != NULL, "threadStart(id, ioMs, cpuMs, status, gil) after threadInit");
  job *j = calloc(1, sizeof *j);
  ADDON_CHECK(env, j != NULL, "threadStart: out of memory");
  bool gil = false;
  if (napi_get_value_int32(env, argv[0], &j->id) != napi_ok || napi_get_value_double(env, argv[1], &j->io_ms) != napi_ok ||
      napi_get_value_double(env, argv[2], &j->cpu_ms) != napi_ok || napi_get_value_int32(env, argv[3], &j->status) != napi_ok ||
      napi_get_value_bool(env, argv[4], &gil) != napi_ok) {
    free(j);
    napi_throw_type_error(env, NULL, "threadStart(id: int, ioMs: number, cpuMs: number, status: int, gil: boolean)");
    return NULL;
  }
  j->use_gil = gil;
  atomic_store(&j->state, STATE_STARTING);
  pthread_mutex_lock(&live_mu);
  j->next = live;
  if (live) live->prev = j;
  live = j;
  pthread_mutex_unlock(&live_mu);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  int err = pthread_create(&t, &attr, thread_main, j);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    unlink_live(j);
    free(j);
    char message[80];
    snprintf(message, sizeof message, "pthread_create failed (errno %d)", err);
    napi_throw_error(env, NULL, message);
  }
  return NULL;
}

/* threadSnapshot(): [id, tid, state, id, tid, state, ...] of the live threads. */
static napi_value thread_snapshot(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out, v;
  napi_create_array(env, &out);
  uint32_t i = 0;
  pthread_mutex_lock(&live_mu);
  for (job *j = live; j; j = j->next) {
    int fields[3] = {j->id, atomic_load(&j->tid), atomic_load(&j->state)};
    for (int f = 0; f < 3; f++) {
      napi_create_int32(env, fields[f], &v);
      napi_set_element(env, out, i++, v);
    }
  }
  pthread_mutex_unlock(&live_mu);
  return out;
}

/* gilCounters(): [switches, cpuActive, cpuActiveMax]. */
static napi_value gil_counters_js(napi_env env, napi_callback_info info) {
  (void)info;
  gil_counters c = gil_read_counters();
  double fields[3] = {(double)c.switches, c.cpu_active, c.cpu_active_max};
  napi_value out, v;
  napi_create_array_with_length(env, 3, &out);
  for (uint32_t f = 0; f < 3; f++) {
    napi_create_double(env, fields[f], &v);
    napi_set_element(env, out, f, v);
  }
  return out;
}

napi_status register_thread_serve(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"threadInit", NULL, thread_init, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threadStart", NULL, thread_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threadSnapshot", NULL, thread_snapshot, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gilCounters", NULL, gil_counters_js, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
