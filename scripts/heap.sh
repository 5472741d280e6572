# The server JVM's heap, sourced by ./ingest: heap_options prints the heap option to use.
#   -Xmx$DEFAULT_HEAP by default; in a container (cgroup v2 memory.max or v1
#   memory.limit_in_bytes) whose limit is smaller than that allows, -XX:MaxRAMPercentage=75;
#   INGEST_HEAP=<size> sets it; an -Xmx or -XX:Max/MinRAM... in INGEST_JAVA_OPTS takes over
#   (nothing printed). INGEST_CGROUP_ROOT replaces /sys/fs/cgroup (for tests).
# The benchmark's server gets the same default (tools/bench ServerProcess.DEFAULT_HEAP).

DEFAULT_HEAP=160m

# the memory limit of the cgroup this runs in, in MiB; nothing when there is none
container_limit_mib() {
  local raw=""
  local cgroup="${INGEST_CGROUP_ROOT:-/sys/fs/cgroup}"
  if [ -r "$cgroup/memory.max" ]; then
    raw="$(cat "$cgroup/memory.max")"
  elif [ -r "$cgroup/memory/memory.limit_in_bytes" ]; then
    raw="$(cat "$cgroup/memory/memory.limit_in_bytes")"
  fi
  case "$raw" in
    '' | max) return ;;
  esac
  # "no limit" in cgroup v1 is a huge number
  [ "${#raw}" -le 15 ] && echo $((raw / 1024 / 1024))
}

heap_options() {
  case " ${INGEST_JAVA_OPTS:-} " in
    *" -Xmx"* | *" -XX:MaxRAM"* | *" -XX:MinRAM"* | *" -XX:InitialRAM"*) return ;;
  esac
  if [ -n "${INGEST_HEAP:-}" ]; then
    echo "-Xmx$INGEST_HEAP"
    return
  fi
  local limit default_mib="${DEFAULT_HEAP%m}"
  limit="$(container_limit_mib || true)"
  if [ -n "$limit" ] && [ $((limit * 3 / 4)) -lt "$default_mib" ]; then
    echo "-XX:MaxRAMPercentage=75"
  else
    echo "-Xmx$DEFAULT_HEAP"
  fi
}
