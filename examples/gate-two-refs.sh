#!/usr/bin/env bash
# Gate two git refs of a CherryPy application against each other: A = the old ref, B = the new one.
# Each ref is checked out in a `git worktree` of its own (removed again at the end, whatever
# happens), and `cpdiag gate` starts the app of each side alternately on this machine.
#
#   examples/gate-two-refs.sh OLD_REF NEW_REF [cpdiag gate flags...]
#
#   examples/gate-two-refs.sh HEAD~1 HEAD                    # this repository's CherryPy example
#   examples/gate-two-refs.sh origin/main HEAD --junit gate.xml --runs 8
#   APP=myapp/server.py APP_ARGS='--port {port}' examples/gate-two-refs.sh v1.4.0 HEAD perf/gate.yaml
#
# Run it from inside the repository (any folder of it). Settings, from the environment:
#   APP       the app's entry point, relative to the repository   [examples/cherrypy/app.py]
#   APP_ARGS  its arguments; {port}, {thread_pool}, {config}, ... are cpdiag's placeholders
#                                                                  [--port {port} --thread-pool {thread_pool}]
#   PYTHON    the interpreter that has CherryPy                    [/usr/bin/python3]
#   CPDIAG    how to run cpdiag                                    [npx cpdiag]
# The flags after the two refs go to `cpdiag gate` as they are: a scenario file, --metric, --runs,
# --junit, --json, ... (see `npx cpdiag gate --help`). Without a scenario, the default gate workload
# (GET /work?io_ms=150, 8 connections, 6 runs of 5 s per side) runs against both.
# The exit code is the gate's: 0 pass, 1 regression, 2 bad input, 3 inconclusive (with
# --fail-on-inconclusive), 4 an app failed to start, 130 interrupted.
set -euo pipefail

if [ "$#" -lt 2 ]; then
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
old_ref=$1
new_ref=$2
shift 2

app=${APP:-examples/cherrypy/app.py}
app_args=${APP_ARGS:-}
[ -n "$app_args" ] || app_args='--port {port} --thread-pool {thread_pool}'
python=${PYTHON:-/usr/bin/python3}
read -r -a cpdiag <<< "${CPDIAG:-npx cpdiag}"

repo=$(git rev-parse --show-toplevel)
old_sha=$(git -C "$repo" rev-parse --verify --quiet "$old_ref^{commit}") || { echo "error: not a commit: $old_ref" >&2; exit 2; }
new_sha=$(git -C "$repo" rev-parse --verify --quiet "$new_ref^{commit}") || { echo "error: not a commit: $new_ref" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cpdiag-gate-refs.XXXXXX")
cleanup() {
  git -C "$repo" worktree remove --force "$work/old" >/dev/null 2>&1 || true
  git -C "$repo" worktree remove --force "$work/new" >/dev/null 2>&1 || true
  rm -rf "$work"
  git -C "$repo" worktree prune >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

git -C "$repo" worktree add --quiet --detach "$work/old" "$old_sha"
git -C "$repo" worktree add --quiet --detach "$work/new" "$new_sha"
for side in old new; do
  [ -f "$work/$side/$app" ] || { echo "error: $app is not in $([ $side = old ] && echo "$old_ref" || echo "$new_ref")" >&2; exit 2; }
done

echo "gate: A = $old_ref (${old_sha:0:12}), B = $new_ref (${new_sha:0:12}), app $app" >&2
status=0
# cpdiag splits the templates itself, without a shell: a path with spaces is quoted for it.
q() { case $1 in *[!A-Za-z0-9_./:@%+=,-]*) printf "'%s'" "$1" ;; *) printf '%s' "$1" ;; esac; }
"${cpdiag[@]}" gate \
  --a "$(q "$python") $(q "$work/old/$app") $app_args" \
  --b "$(q "$python") $(q "$work/new/$app") $app_args" \
  "$@" || status=$?
exit "$status"
