# Shared by ./ingest and ./run-tests: find a JDK >= 21 (JAVA_HOME, PATH, then /usr/lib/jvm/*).
MIN_JAVA=21

java_major() { # $1 = java executable; prints the feature version, or nothing
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n1
}

ok_java() { # $1 = candidate java; true if it is >= MIN_JAVA and has javac beside it
  [ -x "$1" ] || return 1
  local v; v="$(java_major "$1")"
  [ -n "$v" ] && [ "$v" -ge "$MIN_JAVA" ] && [ -x "$(dirname "$1")/javac" ]
}

find_java_home() {
  local c
  if [ -n "${JAVA_HOME:-}" ] && ok_java "$JAVA_HOME/bin/java"; then echo "$JAVA_HOME"; return; fi
  if c="$(command -v java 2>/dev/null)"; then
    c="$(readlink -f "$c")"
    if ok_java "$c"; then dirname "$(dirname "$c")"; return; fi
  fi
  # newest first
  for c in $(ls -d /usr/lib/jvm/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/ 2>/dev/null | sort -rV); do
    if ok_java "${c%/}/bin/java"; then echo "${c%/}"; return; fi
  done
  return 1
}

use_jdk() { # sets JAVA_HOME and PATH, or explains and exits
  if ! JAVA_HOME="$(find_java_home)"; then
    echo "$1: needs a JDK $MIN_JAVA or newer (with javac); none found in JAVA_HOME, PATH or /usr/lib/jvm." >&2
    echo "        Install one (e.g. Temurin 21+) and/or set JAVA_HOME to it." >&2
    exit 1
  fi
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
}

require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "$1: Maven 3.8+ is needed to build; install it (e.g. apt-get install maven)." >&2
    exit 1
  fi
}
