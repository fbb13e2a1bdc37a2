{
  # The native addon of the per-request models (src/server/native/, docs/server.md "Deployment
  # models"): built by `npm ci` / `npm install` (node-gyp), loaded from build/Release.
  "targets": [
    {
      "target_name": "cpdiag_native",
      "sources": [
        "src/server/native/addon.c",
        "src/server/native/thread-serve.c",
        "src/server/native/fork-serve.c",
        "src/server/native/gil.c",
        "src/server/native/handler.c"
      ],
      "cflags_c": ["-std=gnu11", "-O2", "-Wall", "-Wextra"],
      "libraries": ["-lpthread"]
    }
  ]
}
