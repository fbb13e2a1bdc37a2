/*
 * cpdiag's native addon: what Node cannot do without one, and CPython's servers do for every
 * request — start a plain OS thread (socketserver.ThreadingMixIn: a pthread, no V8 isolate) and
 * fork the warm server process (ForkingMixIn: os.fork, copy-on-write). Loaded by
 * src/server/native-addon.ts; when it is missing the two models fall back to a worker_thread and
 * child_process.fork (docs/server.md, "Deployment models").
 */
#include "addon.h"

static napi_value init(napi_env env, napi_value exports) {
  if (register_thread_serve(env, exports) != napi_ok) return NULL;
  if (register_fork_serve(env, exports) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
