#!/usr/bin/env bash
# Tests of the `gunpp` command-line contract (docs/wire.md).
# Usage: cli_test.sh PATH_TO_GUNPP
set -u
gunpp=$1
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
  fi
}

put='{"#":"m1","put":{"a":{"_":{"#":"a",">":{"x":1000,"f":5000}},"x":1,"f":"later"}}}'
bad='{"#":"m2","put":{"a":{"_":{"#":"a",">":{"y":1000}},"y":[1]}}}'
expected='{"graph":{"a":{"_":{"#":"a",">":{"x":1000}},"x":1}},"errors":[null,"Invalid graph: soul '"'a'"' key '"'y'"': bad value (array)"],"deferred":[{"soul":"a","key":"f","state":5000}]}'

# A JSON array on stdin, machine time fixed.
out=$(printf '[%s,%s]' "$put" "$bad" | "$gunpp" apply --now 4000)
check "array on stdin" "$expected" "$out"

# One message per line, from a file, "-" for stdin too.
printf '%s\n\n%s\n' "$put" "$bad" > "$tmp/in.ndjson"
check "ndjson file" "$expected" "$("$gunpp" apply --now 4000 "$tmp/in.ndjson")"
check "ndjson on stdin via -" "$expected" "$("$gunpp" apply --now 4000 - < "$tmp/in.ndjson")"

# With the real clock, a state far in the past applies and nothing defers.
out=$(printf '%s' '{"put":{"b":{"_":{"#":"b",">":{"k":1}},"k":true}}}' | "$gunpp" apply)
check "real clock" '{"graph":{"b":{"_":{"#":"b",">":{"k":1}},"k":true}},"errors":[null],"deferred":[]}' "$out"

# Exit 2 with one line on stderr for input that is not JSON or not messages.
for input in 'not json' '[1,2]' '' '{"a":1} trailing' '"text"'; do
  printf '%s' "$input" | "$gunpp" apply > "$tmp/out" 2> "$tmp/err"
  status=$?
  check "exit for '$input'" "2 0 1" "$status $(wc -c < "$tmp/out") $(wc -l < "$tmp/err")"
done
printf '%s\n%s\n' "$put" '{oops' > "$tmp/bad.ndjson"
"$gunpp" apply "$tmp/bad.ndjson" > /dev/null 2> "$tmp/err"
check "bad line exits 2" "2" "$?"
check "bad line is named" "gunpp: line 2: frame is not valid JSON" "$(cat "$tmp/err")"

# Inputs the fuzzer found crashing: exit 0 or 2, and one line on error.
for input in "$(dirname "$0")"/../fuzz/regressions/wire_protocol/*; do
  "$gunpp" apply --now 5000 "$input" > "$tmp/out" 2> "$tmp/err"
  status=$?
  name=$(basename "$input")
  case $status in
    0) check "fuzz regression $name" "0 0" "$status $(wc -l < "$tmp/err")" ;;
    *) check "fuzz regression $name" "2 0 1" "$status $(wc -c < "$tmp/out") $(wc -l < "$tmp/err")" ;;
  esac
done

# Argument errors.
"$gunpp" apply --now > /dev/null 2>&1; check "--now without value" 2 $?
"$gunpp" apply --now soon < /dev/null > /dev/null 2>&1; check "--now not a number" 2 $?
"$gunpp" apply "$tmp/missing.json" > /dev/null 2>&1; check "missing file" 2 $?
"$gunpp" apply --bogus > /dev/null 2>&1; check "unknown option" 2 $?
"$gunpp" frobnicate > /dev/null 2>&1; check "unknown command" 2 $?

# The relay: listens, says where, and exits 0 on SIGTERM and on SIGINT.
for signal in TERM INT; do
  "$gunpp" relay --host 127.0.0.1 --port 0 2> "$tmp/relay.err" &
  relay=$!
  for _ in $(seq 50); do
    grep -q 'listening on ws://127.0.0.1:[0-9]*/gun' "$tmp/relay.err" && break
    sleep 0.1
  done
  kill -"$signal" "$relay"
  wait "$relay"
  check "relay exits 0 on SIG$signal" 0 $?
  check "relay says where it listens ($signal)" 1 "$(grep -c 'listening on ws://127.0.0.1:' "$tmp/relay.err")"
done
"$gunpp" relay --host not-an-ip --port 0 > /dev/null 2> "$tmp/err"
check "relay on a bad address exits 1" 1 $?
check "relay on a bad address says why" 1 "$(wc -l < "$tmp/err")"
"$gunpp" agent --peer http://nope < /dev/null > /dev/null 2>&1
check "agent with a bad URL exits 1" 1 $?
"$gunpp" agent < /dev/null > /dev/null 2>&1
check "agent without --peer exits 2" 2 $?

# Help.
"$gunpp" --help | grep -q 'gunpp apply'; check "--help" 0 $?
"$gunpp" apply --help | grep -q -- '--now MS'; check "apply --help" 0 $?
"$gunpp" relay --help | grep -q -- '--peer'; check "relay --help" 0 $?
"$gunpp" agent --help | grep -q -- '--peer'; check "agent --help" 0 $?

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
