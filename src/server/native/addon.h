/* The two halves of the addon register their functions on the module's exports. */
#ifndef CPDIAG_ADDON_H
#define CPDIAG_ADDON_H

#define NAPI_VERSION 8
#include <node_api.h>

napi_status register_thread_serve(napi_env env, napi_value exports);
napi_status register_fork_serve(napi_env env, napi_value exports);

/* Throws a JS TypeError and returns NULL from the calling N-API function. */
#define ADDON_CHECK(env, ok, message) \
  do {                                \
    if (!(ok)) {                      \
      napi_throw_type_error((env), NULL, (message)); \
      return NULL;                    \
    }                                 \
  } while (0)

#endif
