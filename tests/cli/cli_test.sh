#!/usr/bin/env bash
# Tests of the `gunpp` command-line contract (docs/wire.md).
# Usage: cli_test.sh PATH_TO_GUNPP [LARGE_PAGES [SANITIZED]]
# LARGE_PAGES is 1 when the program is built to ask for 2 MiB pages
# (GUNPP_LARGE_PAGES); SANITIZED is 1 when it is built with the sanitizers
# (GUNPP_SANITIZE).
set -u
gunpp=$1
large_pages=${2:-0}
sanitized=${3:-0}
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
check "ndjson from a pipe named as FILE" "$expected" "$("$gunpp" apply --now 4000 <(cat "$tmp/in.ndjson"))"
# Standard input redirected from a file is read from where it stands: here
# after a first line the shell consumed.
printf '%s\n%s\n%s\n' '{"#":"skipped","put":{"z":{"_":{"#":"z",">":{"k":1}},"k":1}}}' "$put" "$bad" > "$tmp/in3.ndjson"
check "stdin from a file, at its offset" "$expected" "$({ read -r _; "$gunpp" apply --now 4000; } < "$tmp/in3.ndjson")"
# A pipe longer than one read block (1 MiB), whose buffer grows from 2 MiB
# to 8: a 5 MB value, read whole. The file ends with spaces up to a whole
# number of pages, so the bytes the decoder may read past its text are
# the page mapped after the file.
head -c 5000000 /dev/zero | tr '\0' 'x' > "$tmp/x"
printf '{"#":"big","put":{"p":{"_":{"#":"p",">":{"v":1}},"v":"%s"}}}' "$(cat "$tmp/x")" > "$tmp/big.json"
page=$(getconf PAGESIZE)
head -c $(( (page - $(wc -c < "$tmp/big.json") % page) % page )) /dev/zero | tr '\0' ' ' >> "$tmp/big.json"
check "the 5 MB file fills whole pages" 0 $(( $(wc -c < "$tmp/big.json") % page ))
"$gunpp" apply --now 4000 "$tmp/big.json" > "$tmp/big.file.out"
cat "$tmp/big.json" | "$gunpp" apply --now 4000 > "$tmp/big.pipe.out"
check "a 5 MB file is applied whole" big \
  "$([[ $(wc -c < "$tmp/big.file.out") -gt 5000000 ]] && echo big)"
check "a 5 MB pipe is applied as the file is" \
  "$(md5sum < "$tmp/big.file.out")" "$(md5sum < "$tmp/big.pipe.out")"
: > "$tmp/empty"; "$gunpp" apply "$tmp/empty" > /dev/null 2>&1; check "an empty file exits 2" 2 $?

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
# From a pipe, lines are applied as they arrive: a bad line ends the
# command while its writer still writes, and a line that never ends ends it
# at the frame limit (256 MiB), not when memory runs out.
{ printf '%s\n{oops\n' "$put"; yes "$put"; } |
  timeout 60 "$gunpp" apply > "$tmp/out" 2> "$tmp/err"
status=${PIPESTATUS[1]}
check "a bad line in an endless pipe exits 2 at once" \
  "2 0 gunpp: line 2: frame is not valid JSON" \
  "$status $(wc -c < "$tmp/out") $(cat "$tmp/err")"
yes x | tr -d '\n' | timeout 120 "$gunpp" apply > "$tmp/out" 2> "$tmp/err"
status=${PIPESTATUS[2]}
check "an endless line exits 2 at the frame limit" \
  "2 0 gunpp: line 1: frame is larger than 268435456 bytes" \
  "$status $(wc -c < "$tmp/out") $(cat "$tmp/err")"

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
"$gunpp" apply "$tmp" > "$tmp/out" 2> "$tmp/err"
check "a directory as FILE exits 2, prints nothing, says so" "2 0 gunpp: cannot open '$tmp'" "$? $(wc -c < "$tmp/out") $(cat "$tmp/err")"
"$gunpp" apply --bogus > /dev/null 2>&1; check "unknown option" 2 $?
"$gunpp" frobnicate > /dev/null 2>&1; check "unknown command" 2 $?

# Starts `gunpp relay` on a free port, logging to $tmp/relay.err; sets
# $relay (its pid) and $relay_url once it listens.
start_relay() {
  "$gunpp" relay --host 127.0.0.1 --port 0 2> "$tmp/relay.err" &
  relay=$!
  for _ in $(seq 50); do
    relay_url=$(grep -o 'ws://127.0.0.1:[0-9]*/gun' "$tmp/relay.err") && break
    sleep 0.1
  done
}

# The relay: listens, says where, and exits 0 on SIGTERM and on SIGINT.
for signal in TERM INT; do
  start_relay
  kill -"$signal" "$relay"
  wait "$relay"
  check "relay exits 0 on SIG$signal" 0 $?
  check "relay says where it listens ($signal)" 1 "$(grep -c 'listening on ws://127.0.0.1:' "$tmp/relay.err")"
done
"$gunpp" relay --host not-an-ip --port 0 > /dev/null 2> "$tmp/err"
check "relay on a bad address exits 1" 1 $?
check "relay on a bad address says why" 1 "$(wc -l < "$tmp/err")"
# The relay out of descriptors at each step of starting, one limit after
# another up to one it runs with: a line and exit 1, never an abort. Some
# limit lets it listen and fails a later step, which no code of the relay
# reports itself.
# Not under the sanitizers: their runtime needs descriptors of its own
# (UBSan's vptr check opens a pipe to probe memory, and reports an object
# it cannot probe as one of the wrong type).
descriptor_checks() {
  local limit
  unclear=0; late=0; ran=0
  for limit in $(seq 4 32); do
    timeout 2 bash -c 'ulimit -n "$1"; exec "$2" relay --host 127.0.0.1 --port 0' \
      _ "$limit" "$gunpp" > /dev/null 2> "$tmp/err"
    rc=$?
    if [[ $rc -eq 124 ]]; then ran=1; break; fi  # ran until timeout stopped it
    grep -q 'error while loading shared libraries' "$tmp/err" && continue
    if [[ $rc -ne 1 || $(wc -l < "$tmp/err") -gt 2 ]] || \
       ! tail -1 "$tmp/err" | grep -q '^gunpp: .*Too many open files'; then
      unclear=$((unclear + 1)); cat "$tmp/err"
    fi
    grep -q 'listening on' "$tmp/err" && late=1
  done
  check "out of descriptors: a line and exit 1, never an abort" 0 $unclear
  check "out of descriptors after listening: a line and exit 1" 1 $late
  check "with enough descriptors the relay runs" 1 $ran
  # Out of descriptors while running, with two or three more than it needs
  # to start and four connections: accepting pauses instead of failing in a
  # loop, says so once, and resumes once the connections it took close.
  if [[ $ran -eq 1 ]]; then
    timeout 60 bash -c 'ulimit -n "$1"; exec "$2" relay --host 127.0.0.1 --port 0' \
      _ $((limit + 2)) "$gunpp" 2> "$tmp/relay.err" &
    relay=$!
    port=
    for _ in $(seq 100); do
      port=$(grep -o 'ws://127.0.0.1:[0-9]*' "$tmp/relay.err" | grep -o '[0-9]*$') && break
      sleep 0.05
    done
    held=()
    for _ in 1 2 3 4; do exec {fd}<>"/dev/tcp/127.0.0.1/$port"; held+=("$fd"); done
    for _ in $(seq 100); do
      grep -q '^gunpp: accept: Too many open files' "$tmp/relay.err" && break
      sleep 0.05
    done
    sleep 0.5  # five pauses: still one line
    check "out of descriptors, accepting pauses and says so once" 1 \
      "$(grep -c '^gunpp: accept: Too many open files; trying again every 100 ms$' "$tmp/relay.err")"
    for fd in "${held[@]}"; do exec {fd}>&-; done
    for _ in $(seq 100); do
      grep -q '^gunpp: accept: accepting again$' "$tmp/relay.err" && break
      sleep 0.05
    done
    answer=$(exec 3<>"/dev/tcp/127.0.0.1/$port"
             printf 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
             timeout 10 head -1 <&3)
    check "and accepts and answers again once they close" "HTTP/1.1 200 OK" "${answer%$'\r'}"
    kill "$relay"; wait "$relay"
  fi
}
[[ $sanitized -eq 1 ]] || descriptor_checks
"$gunpp" agent --peer http://nope < /dev/null > /dev/null 2>&1
check "agent with a bad URL exits 1" 1 $?

# The agent driven by a piped script, no sleeps: at the end of input every
# command gets its real answer, then "exit" last.
start_relay
printf '%s\n' '{"id":1,"op":"put","soul":"bob","data":{"name":"Bob"}}' \
  '{"id":2,"op":"get","soul":"bob","key":"name","expect":1,"timeout":5000}' \
  '{"id":3,"op":"on","soul":"bob"}' '{"id":4,"op":"exit"}' |
  "$gunpp" agent --peer "$relay_url" > "$tmp/agent.out" 2> /dev/null
check "a piped script: exit 0" 0 $?
check "a piped script: the put is acked" 1 "$(grep -c '^{"id":1,"ok":true,"acked":true,' "$tmp/agent.out")"
check "a piped script: the get reads it" 1 "$(grep -c '^{"id":2,"ok":true,"node":{"name":"Bob"}.*"why":"expect"}$' "$tmp/agent.out")"
check "a piped script: exit is answered last" '{"id":4,"ok":true}' "$(tail -n 1 "$tmp/agent.out")"
printf '%s\n' '{"id":5,"op":"get","soul":"bob","key":"name","expect":1,"timeout":5000}' |
  "$gunpp" agent --peer "$relay_url" > "$tmp/agent.out" 2> /dev/null
check "end of input without exit: the relay has the put" "0 1" \
  "$? $(grep -c '^{"id":5,"ok":true,"node":{"name":"Bob"}' "$tmp/agent.out")"
# The chain commands: one agent writes with paths, another reads them back
# through the relay (nested nodes, a set, a missing path, map).
printf '%s\n' \
  '{"id":1,"op":"put","path":["app","users","alice"],"data":{"name":"Alice","address":{"city":"Paris"}}}' \
  '{"id":2,"op":"set","path":["chat"],"data":{"msg":"hi"}}' |
  "$gunpp" agent --peer "$relay_url" > "$tmp/agent.out" 2> /dev/null
check "chain put and set: exit 0, both acked" "0 2" \
  "$? $(grep -c '"ok":true,"acked":true' "$tmp/agent.out")"
set_soul=$(grep -o '"soul":"[^"]*"' "$tmp/agent.out" | cut -d'"' -f4)
printf '%s\n' \
  '{"id":3,"op":"once","path":["app","users","alice","address","city"]}' \
  '{"id":4,"op":"once","path":["app","users","alice"]}' \
  '{"id":5,"op":"once","path":["app","nobody"],"timeout":2000}' \
  '{"id":6,"op":"map","path":["chat"],"settle":300}' \
  '{"id":7,"op":"put","path":["app"],"data":5}' \
  '{"id":8,"op":"off","sub":"none"}' \
  '{"id":9,"op":"once","path":["app","users","alice"],"depth":1}' \
  '{"id":10,"op":"once","path":["app"],"depth":33}' |
  "$gunpp" agent --peer "$relay_url" > "$tmp/agent.out" 2> /dev/null
check "chain reads: exit 1 (two commands refused)" 1 $?
check "chain once: a primitive through three links" 1 "$(grep -c '^{"id":3,"ok":true,"found":true,"value":"Paris"}$' "$tmp/agent.out")"
check "chain once: a node, links left as links" 1 "$(grep -c '^{"id":4,"ok":true,"found":true,"value":{"address":{"#":"app/users/alice/address"},"name":"Alice"},"soul":"app/users/alice"}$' "$tmp/agent.out")"
check "chain once: a missing path is not found" 1 "$(grep -c '^{"id":5,"ok":true,"found":false}$' "$tmp/agent.out")"
check "chain map: the set's item" 1 "$(grep -c "^{\"id\":6,\"ok\":true,\"items\":{\"$set_soul\":{\"msg\":\"hi\"}}}\$" "$tmp/agent.out")"
check "chain: a primitive on a root soul, an unknown sub, a depth past 32 are refused" 3 "$(grep -c '"id":\([78]\|10\),"ok":false' "$tmp/agent.out")"
check "chain once with a depth: the linked node in place of its link" 1 "$(grep -c '^{"id":9,"ok":true,"found":true,"value":{"address":{"city":"Paris"},"name":"Alice"},"soul":"app/users/alice"}$' "$tmp/agent.out")"
kill "$relay"; wait "$relay"
# A put whose peer is down is answered at its own timeout, and fails the run.
printf '%s\n' '{"id":1,"op":"put","soul":"s","data":{"a":1},"timeout":300}' \
  '{"id":2,"op":"put","soul":"s","data":{"a":[]}}' |
  "$gunpp" agent --peer "$relay_url" > "$tmp/agent.out" 2> /dev/null
check "a put to a peer that is down: exit 1" 1 $?
check "a put to a peer that is down: acked false, a bad put refused" "1 1" \
  "$(grep -c '^{"id":1,"ok":true,"acked":false,' "$tmp/agent.out") $(grep -c '^{"id":2,"ok":false,' "$tmp/agent.out")"
# The first signal ends the input (the pending put is still answered); a
# second ends the agent at once (the pending put is not).
for signals in TERM "TERM TERM"; do
  { echo '{"id":1,"op":"put","soul":"s","data":{"a":1},"timeout":'"$([[ $signals == TERM ]] && echo 300 || echo 600000)"'}'; sleep 30; } |
    "$gunpp" agent --peer "$relay_url" > "$tmp/agent.out" 2> /dev/null &
  agent=$!
  for _ in $(seq 50); do grep -q ready "$tmp/agent.out" && break; sleep 0.1; done
  for signal in $signals; do kill -"$signal" "$agent"; sleep 0.2; done
  wait "$agent"
  status=$?
  replies=$(grep -c '"id":1' "$tmp/agent.out")
  if [[ $signals == TERM ]]; then
    check "one SIGTERM: the pending put is answered, exit 1" "1 1" "$status $replies"
  else
    check "two SIGTERMs: the agent ends at once, exit 1" "1 0" "$status $replies"
  fi
done
"$gunpp" agent < /dev/null > /dev/null 2>&1
check "agent without --peer exits 2" 2 $?

# --db: the graph persists between runs; export prints it node by node.
db="$tmp/graph.db"
printf '%s' "$put" | "$gunpp" apply --now 4000 --db "$db" > /dev/null
check "apply --db exits 0" 0 $?
two='{"#":"m3","put":{"b":{"_":{"#":"b",">":{"z":7}},"z":"zed"}}}'
out=$(printf '%s' "$two" | "$gunpp" apply --now 4000 --db "$db")
check "apply --db merges with what is stored" '{"graph":{"a":{"_":{"#":"a",">":{"x":1000}},"x":1},"b":{"_":{"#":"b",">":{"z":7}},"z":"zed"}},"errors":[null],"deferred":[{"soul":"a","key":"f","state":5000}]}' "$out"
check "export" '{"a":{"_":{"#":"a",">":{"x":1000}},"x":1},"b":{"_":{"#":"b",">":{"z":7}},"z":"zed"}}' "$("$gunpp" export --db "$db")"
check "export --soul" '{"b":{"_":{"#":"b",">":{"z":7}},"z":"zed"}}' "$("$gunpp" export --db "$db" --soul b)"
check "export --soul of a missing soul" '{}' "$("$gunpp" export --db "$db" --soul nope)"
# The parked field comes due once the clock passes its state.
out=$(printf '%s' '{"put":{"c":{"_":{"#":"c",">":{"w":1}},"w":0}}}' | "$gunpp" apply --now 6000 --db "$db")
check "a parked field applies after a reopen" '"f":"later"' "$(grep -o '"f":"later"' <<< "$out")"
# Bad files: one line naming the file, exit 1.
printf 'not a database, not at all%.0s' $(seq 10) > "$tmp/text.db"
"$gunpp" export --db "$tmp/text.db" > "$tmp/out" 2> "$tmp/err"
check "export of a file that is not SQLite exits 1" 1 $?
check "and says which file and why" "gunpp: $tmp/text.db: cannot open: file is not a database" "$(cat "$tmp/err")"
printf '%s' "$put" | "$gunpp" apply --db "$tmp/no/such/dir/graph.db" > "$tmp/out" 2> "$tmp/err"
check "apply --db in a missing directory exits 1" "1 0 1" "$? $(wc -c < "$tmp/out") $(wc -l < "$tmp/err")"
"$gunpp" relay --port 0 --db "$tmp/text.db" > /dev/null 2> "$tmp/err"
check "relay --db on a bad file exits 1" "1 1" "$? $(wc -l < "$tmp/err")"
"$gunpp" export > /dev/null 2>&1; check "export without --db exits 2" 2 $?

# import: messages in, a graph in (export's output), the same graph out.
printf '%s\n%s\n' "$put" "$two" | "$gunpp" import --db "$tmp/in.db" 2> "$tmp/err"
check "import exits 0" 0 $?
check "import says what it did" "gunpp: imported 2 of 2 messages into $tmp/in.db (3 fields applied, 0 ignored, 0 waiting for their state)" "$(cat "$tmp/err")"
"$gunpp" export --db "$tmp/in.db" > "$tmp/graph.json"
"$gunpp" import --db "$tmp/copy.db" "$tmp/graph.json" 2> /dev/null
check "import of an exported graph exits 0" 0 $?
check "export, import, export is the same graph" "$(cat "$tmp/graph.json")" "$("$gunpp" export --db "$tmp/copy.db")"
printf '{\n "p": {"_": {"#": "p", ">": {"q": 9}},\n  "q": true}\n}\n' | "$gunpp" import --db "$tmp/pretty.db" 2> /dev/null
check "import of a graph over several lines" '{"p":{"_":{"#":"p",">":{"q":9}},"q":true}}' "$("$gunpp" export --db "$tmp/pretty.db")"
printf '%s\n%s\n' "$put" "$bad" | "$gunpp" import --db "$tmp/in.db" 2> "$tmp/err"
check "import with a refused message exits 1" 1 $?
check "and names it" 1 "$(grep -c "^gunpp: message 2: Invalid graph: soul 'a' key 'y'" "$tmp/err")"
printf 'not json' | "$gunpp" import --db "$tmp/in.db" > /dev/null 2> "$tmp/err"
check "import of input that is not JSON exits 2 with one line" "2 1" "$? $(wc -l < "$tmp/err")"

# The program's heap: `apply` and `import` run themselves again with glibc's
# malloc on 2 MiB pages when built for it (the value they run with is tested
# in large_pages_test.cpp). tunables_of COMMAND... prints the GLIBC_TUNABLES
# the process started with, as it reads its standard input (a read(2) of fd
# 0 in /proc/PID/syscall): "none" when unset, "?" when never seen reading.
# The dynamic loader splits the value in place, so /proc/PID/environ shows
# its first tunable only.
tunables_of() {
  rm -f "$tmp/fifo"
  mkfifo "$tmp/fifo"
  "$@" < "$tmp/fifo" > /dev/null 2>&1 &
  local pid=$! seen='?'
  exec 3> "$tmp/fifo"
  for ((i = 0; i < 200; i++)); do
    if [[ "$(cut -d' ' -f1-2 "/proc/$pid/syscall" 2> /dev/null)" == "0 0x0" ]]; then
      seen=$(tr '\0' '\n' < "/proc/$pid/environ" | sed -n 's/^GLIBC_TUNABLES=//p')
      seen=${seen:-none}
      break
    fi
    sleep 0.05
  done
  exec 3>&-
  wait "$pid"
  echo "$seen"
}
expected=none
[[ $large_pages == 1 ]] && expected=glibc.malloc.hugetlb=1
check "apply asks for 2 MiB pages exactly when built to" "$expected" \
  "$(tunables_of env -u GLIBC_TUNABLES "$gunpp" apply --now 4000 -)"
check "import asks as apply does" "$expected" \
  "$(tunables_of env -u GLIBC_TUNABLES "$gunpp" import --db "$tmp/heap.db")"
check "a setting of the user's stands" glibc.malloc.hugetlb=0 \
  "$(tunables_of env GLIBC_TUNABLES=glibc.malloc.hugetlb=0 "$gunpp" apply -)"
{
  printf '{"#":"big","put":{'
  for ((i = 0; i < 20000; i++)); do
    ((i > 0)) && printf ','
    printf '"s%d":{"_":{"#":"s%d",">":{"k":1}},"k":"value %d"}' "$i" "$i" "$i"
  done
  printf '}}\n'
} > "$tmp/big.json"
"$gunpp" apply --now 4000 "$tmp/big.json" > "$tmp/out"
check "a large input applies on that heap" "0 20000 1" \
  "$? $(grep -o '"k":"value [0-9]*"' "$tmp/out" | wc -l) $(grep -c '"s19999":{"_":{"#":"s19999",">":{"k":1}},"k":"value 19999"}' "$tmp/out")"

# A public key may start with '-': after --, it is a PUB, not an option.
"$gunpp" sea pair > "$tmp/pair.json"
"$gunpp" sea certify --pair "$tmp/pair.json" -- '{"#":{"*":"inbox"}}' -Wd8Pa.xY > "$tmp/cert" 2> "$tmp/err"
check "certify takes a PUB that starts with '-' after --" '0 "c":"-Wd8Pa.xY"' \
  "$? $(grep -o '"c":"[^"]*"' "$tmp/cert")"
"$gunpp" sea certify --pair "$tmp/pair.json" '{"#":{"*":"inbox"}}' -Wd8Pa.xY > /dev/null 2> "$tmp/err"
check "without --, that PUB is refused with exit 2" 2 $?

# Help.
"$gunpp" --help | grep -q 'gunpp apply'; check "--help" 0 $?
"$gunpp" apply --help | grep -q -- '--now MS'; check "apply --help" 0 $?
"$gunpp" relay --help | grep -q -- '--peer'; check "relay --help" 0 $?
"$gunpp" agent --help | grep -q -- '--peer'; check "agent --help" 0 $?
"$gunpp" export --help | grep -q -- '--soul'; check "export --help" 0 $?
"$gunpp" import --help | grep -q -- '--db'; check "import --help" 0 $?

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
