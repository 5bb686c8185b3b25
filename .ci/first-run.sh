#!/usr/bin/env bash
# A new user's first run, as CI's first step: the README's first command, read from README.md
# (between <!-- first-command:start/end -->) and run literally in a fresh copy of the tree, in
# a fresh virtualenv made by the system python3 with the pip it ships (no upgrade). Then
# `clippings inspect` on a local page and `clippings collect` on a local feed. Any traceback,
# any non-zero exit, or a desk that does not answer fails the run.
#
#   bash .ci/first-run.sh        # from the project root; takes a minute or two
#
# Nothing touches the internet but the package index: the sources are a tiny site on
# 127.0.0.1 (.ci/localsite.py). Settings (environment): CLIPPINGS_FIRST_RUN_WAIT, seconds to
# wait for the install and the first start (default 900).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

command=$(sed -n '/<!-- first-command:start -->/,/<!-- first-command:end -->/p' README.md \
  | grep -v -e '^<!--' -e '^```')
if [ -z "$command" ] || [ "$(printf '%s\n' "$command" | wc -l)" -ne 1 ]; then
  echo "first-run: README.md has no single command between the first-command markers" >&2
  exit 1
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/clippings-first-run.XXXXXX")
site_pid=""
app_pid=""
cleanup() {
  local rc=$?
  if [ -n "$app_pid" ]; then kill -TERM -- "-$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; fi
  if [ -n "$site_pid" ]; then kill "$site_pid" 2>/dev/null || true; wait "$site_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "first-run: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    echo "---- $2" >&2
    tail -n 60 "$2" >&2
  fi
  exit 1
}
no_traceback() {
  if grep -q "Traceback (most recent call last)" "$1"; then
    fail "$2 printed a traceback" "$1"
  fi
}

# A fresh copy of the tree as it stands (tracked and new files; no .venv, no build leftovers).
mkdir "$scratch/clippings"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
  | xargs -0 cp --parents -t "$scratch/clippings"

python3 .ci/localsite.py >"$scratch/site.url" 2>"$scratch/site.log" &
site_pid=$!
for _ in $(seq 50); do [ -s "$scratch/site.url" ] && break; sleep 0.1; done
base=$(head -n 1 "$scratch/site.url")
[ -n "$base" ] || fail "the local site did not start" "$scratch/site.log"

cat >"$scratch/sources.yaml" <<YAML
settings:
  allow_private_networks: true   # the local site is on 127.0.0.1
  per_host_delay: 0
outlets:
  - name: Harbor City Ledger
    homepage: ${base}
    city: York, PA
sources:
  - id: ledger
    kind: feed
    url: ${base}feed.xml
    outlet: Harbor City Ledger
YAML

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export CLIPPINGS_HOME="$scratch/home" CLIPPINGS_SOURCES="$scratch/sources.yaml" CLIPPINGS_PORT="$port"
unset CLIPPINGS_DATABASE_URL CLIPPINGS_SECRET_KEY

echo "first-run: $command" >&2
started=$SECONDS
# its own process group (setsid), so that Ctrl-C reaches clippings and not only the shell
(cd "$scratch/clippings" && exec setsid bash -c "$command") </dev/null >"$scratch/first.log" 2>&1 &
app_pid=$!
desk=""
while [ $((SECONDS - started)) -lt "${CLIPPINGS_FIRST_RUN_WAIT:-900}" ]; do
  kill -0 "$app_pid" 2>/dev/null || { wait "$app_pid" || true; app_pid=""; fail "the README command stopped by itself" "$scratch/first.log"; }
  desk=$(grep -o "http://[^ ]*/desk/" "$scratch/first.log" | head -n 1 || true)
  [ -n "$desk" ] && break
  sleep 1
done
[ -n "$desk" ] || fail "no desk address printed within ${CLIPPINGS_FIRST_RUN_WAIT:-900} s" "$scratch/first.log"
python3 - "$desk" "${desk%/desk/}/news/" <<'PY' || fail "the web app did not answer" "$scratch/first.log"
import sys, time, urllib.request
for url in sys.argv[1:]:
    for attempt in range(50):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200, (url, response.status)
                break
        except OSError:
            time.sleep(0.2)
    else:
        raise SystemExit(f"{url} did not answer")
PY
grep -q "clippings users add" "$scratch/first.log" || fail "no hint to create the first account" "$scratch/first.log"
kill -INT -- "-$app_pid"
if ! wait "$app_pid"; then app_pid=""; fail "clippings run --serve did not stop cleanly on Ctrl-C" "$scratch/first.log"; fi
app_pid=""
no_traceback "$scratch/first.log" "the README command"
echo "first-run: installed and served in $((SECONDS - started)) s" >&2

venv="$scratch/clippings/.venv/bin"
"$venv/clippings" inspect "${base}story-1.html" >"$scratch/inspect.log" 2>&1 \
  || fail "clippings inspect failed" "$scratch/inspect.log"
no_traceback "$scratch/inspect.log" "clippings inspect"
grep -q "Group Violence Intervention" "$scratch/inspect.log" || fail "inspect found no program" "$scratch/inspect.log"

"$venv/clippings" collect --db "sqlite:///$scratch/collect.db" >"$scratch/collect.log" 2>&1 \
  || fail "clippings collect failed" "$scratch/collect.log"
no_traceback "$scratch/collect.log" "clippings collect"
grep -q "^2 new item(s) from 1 source(s); 0 failed" "$scratch/collect.log" \
  || fail "clippings collect did not store the two local stories" "$scratch/collect.log"
echo "first-run: inspect and collect ran without a traceback" >&2
