/*
 * fork-per-request with a real fork(): the warm server process is forked for each request, as
 * socketserver.ForkingMixIn does with os.fork — copy-on-write, no new interpreter. The master
 * parsed the request and built the response (node:http, routes.ts); the child does the handler's
 * work, writes the response with its own pid in X-Cpdiag-Pid, closes the connection and exits.
 * Between fork() and _exit() the child of a multithreaded process may only make async-signal-safe
 * calls, so it never returns to JS, V8 or libuv: clock_nanosleep, clock_gettime, sendmsg,
 * shutdown, close, sigaction, _exit. The master reaps only its own children's pids (waitpid on
 * each, never -1), so libuv's own children are never taken from it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "addon.h"
#include "handler.h"

#define PID_HEADER "X-Cpdiag-Pid: "

/* The children not yet reaped; used from the main thread only. */
static pid_t *children;
static size_t n_children, cap_children;

/* Sends the iovecs whole, across partial writes; 0 on success. */
static int send_all(int fd, struct iovec *iov, int n) {
  while (n > 0) {
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = (size_t)n;
    ssize_t sent = sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    while (n > 0 && (size_t)sent >= iov->iov_len) {
      sent -= (ssize_t)iov->iov_len;
      iov++;
      n--;
    }
    if (n > 0) {
      iov->iov_base = (char *)iov->iov_base + sent;
      iov->iov_len -= (size_t)sent;
    }
  }
  return 0;
}

/* "X-Cpdiag-Pid: 1234\r\n" without printf (not async-signal-safe). */
static size_t pid_header(char *out, pid_t pid) {
  size_t n = sizeof PID_HEADER - 1;
  memcpy(out, PID_HEADER, n);
  char digits[16];
  int d = 0;
  do {
    digits[d++] = (char)('0' + pid % 10);
    pid /= 10;
  } while (pid > 0);
  while (d > 0) out[n++] = digits[--d];
  out[n++] = '\r';
  out[n++] = '\n';
  return n;
}

static void child_serve(int fd, double io_ms, double cpu_ms, const char *bytes, size_t len, size_t pid_at) {
  /* The parent's handlers (libuv's signal pipe) are the parent's: a signal to this child must
   * not be forwarded into the server's event loop. Default dispositions, nothing blocked. */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; s++) {
    if (s != SIGKILL && s != SIGSTOP) sigaction(s, &dfl, NULL);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* Hold no other descriptor of the server (its listening socket, its event loop): a draining
   * master that closes its listener must not have it kept open by children. */
#ifdef SYS_close_range
  if (fd > 3) syscall(SYS_close_range, 3U, (unsigned)fd - 1, 0U);
  syscall(SYS_close_range, (unsigned)fd + 1, ~0U, 0U);
#endif
  handler_sleep_ms(io_ms);
  handler_burn_cpu(cpu_ms, 0, NULL);
  char header[64];
  struct iovec iov[3] = {
      {(void *)bytes, pid_at},
      {header, pid_header(header, getpid())},
      {(void *)(bytes + pid_at), len - pid_at},
  };
  int failed = send_all(fd, iov, 3);
  /* FIN now, whoever else still holds the connection (the master until it closes its copy). */
  shutdown(fd, SHUT_WR);
  close(fd);
  _exit(failed ? 1 : 0);
}

/* forkServe(fd, ioMs, cpuMs, response: Buffer, pidAt) → the child's pid. */
static napi_value fork_serve(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  double io_ms = 0, cpu_ms = 0;
  uint32_t pid_at = 0;
  void *bytes = NULL;
  size_t len = 0;
  bool is_buffer = false;
  ADDON_CHECK(env,
              argc == 5 && napi_get_value_int32(env, argv[0], &fd) == napi_ok && napi_get_value_double(env, argv[1], &io_ms) == napi_ok &&
                  napi_get_value_double(env, argv[2], &cpu_ms) == napi_ok && napi_is_buffer(env, argv[3], &is_buffer) == napi_ok && is_buffer &&
                  napi_get_buffer_info(env, argv[3], &bytes, &len) == napi_ok && napi_get_value_uint32(env, argv[4], &pid_at) == napi_ok &&
                  fd >= 0 && pid_at <= len,
              "forkServe(fd: int, ioMs: number, cpuMs: number, response: Buffer, pidAt: int <= response.length)");
  if (n_children == cap_children) {
    size_t cap = cap_children ? cap_children * 2 : 64;
    pid_t *grown = realloc(children, cap * sizeof *grown);
    ADDON_CHECK(env, grown != NULL, "forkServe: out of memory");
    children = grown;
    cap_children = cap;
  }
  pid_t pid = fork();
  if (pid == 0) child_serve(fd, io_ms, cpu_ms, bytes, len, pid_at);
  if (pid < 0) {
    napi_throw_error(env, NULL, strerror(errno));
    return NULL;
  }
  children[n_children++] = pid;
  napi_value out;
  napi_create_int32(env, pid, &out);
  return out;
}

/* forkReap() → [pid, code, ...] of the children that exited (code: exit status, or 128 + signal). */
static napi_value fork_reap(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out, v;
  napi_create_array(env, &out);
  uint32_t k = 0;
  for (size_t i = 0; i < n_children;) {
    int status = 0;
    pid_t r = waitpid(children[i], &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR)) {
      i++;
      continue;
    }
    int code = r < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    napi_create_int32(env, children[i], &v);
    napi_set_element(env, out, k++, v);
    napi_create_int32(env, code, &v);
    napi_set_element(env, out, k++, v);
    children[i] = children[--n_children];
  }
  return out;
}

napi_status register_fork_serve(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"forkServe", NULL, fork_serve, NULL, NULL, NULL, napi_enumerable, NULL},
      {"forkReap", NULL, fork_reap, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
