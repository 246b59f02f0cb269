# Sourced by the benchmarks: a temporary work directory and a charts-sandbox API server on a
# free 127.0.0.1 port, both removed on exit. Needs `$sandbox_binary` set to the built binary;
# extra `serve` flags go in `$sandbox_flags`. Sets `$work`, `$url` and `$work/kubeconfig`.

work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck disable=SC2086 # the flags are words on purpose
"$sandbox_binary" serve --port 0 --kubeconfig "$work/kubeconfig" ${sandbox_flags:-} >"$work/address" 2>"$work/log" &
server_pid=$!
for _ in $(seq 100); do
    [ -s "$work/address" ] && break
    sleep 0.05
done
url=$(head -n1 "$work/address")
case "$url" in
    http://127.0.0.1:*) ;;
    *) echo "error: the sandbox did not start: $(cat "$work/log")" >&2; exit 1 ;;
esac
