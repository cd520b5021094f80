#!/usr/bin/env bash
# The C ABI as a C program sees it: installs the build into a fresh prefix,
# compiles consumer.c as C99 with -Wall -Wextra -pedantic -Werror against
# the installed header and library, runs it, and checks that libgunpp.so
# exports gunpp_ symbols only and carries a versioned soname; then imports
# the installed Python package, which must find the installed library.
# Usage: abi_check.sh BUILD_DIR WORK_DIR C_COMPILER [extra C flags...]
set -euo pipefail
build=$1 work=$2 cc=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
lib=$(find "$work/prefix" -name 'libgunpp.so.0' | head -n1)
[[ -n "$lib" ]] || { echo "FAIL: libgunpp.so.0 not installed"; exit 1; }
libdir=$(dirname "$lib")

soname=$(objdump -p "$lib" | awk '/SONAME/ {print $2}')
[[ "$soname" == libgunpp.so.0 ]] || { echo "FAIL: soname is '$soname'"; exit 1; }

exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort)
others=$(grep -v '^gunpp_' <<<"$exported" || true)
if [[ -n "$others" ]]; then
  echo "FAIL: libgunpp.so exports more than gunpp_ symbols:"
  head -n 20 <<<"$others"
  exit 1
fi
declared=$(grep -o '\bgunpp_[a-z_]*(' "$work/prefix/include/gunpp/gunpp.h" |
           tr -d '(' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
[[ -z "$missing" ]] || { echo "FAIL: declared, not exported: $missing"; exit 1; }
echo "exports: $(wc -l <<<"$exported") gunpp_ symbols, nothing else"

"$cc" -std=c99 -Wall -Wextra -pedantic -Werror "$@" \
  -I"$work/prefix/include" "$here/consumer.c" \
  -L"$libdir" -lgunpp -Wl,-rpath,"$libdir" -o "$work/consumer"

"$work/consumer"

# The installed Python package finds the installed library by itself.
if command -v python3 >/dev/null && [[ -z "${GUNPP_SKIP_PYTHON:-}" ]]; then
  package=$(dirname "$(find "$work/prefix" -path '*/gunpp/__init__.py' | head -n1)")
  env -u GUNPP_LIB PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$(dirname "$package")" \
    python3 -c 'import gunpp
with gunpp.Peer() as p:
    p.put("a", {"x": 1})
    assert p.get("a") == {"x": 1}
print("python: the installed package loads", gunpp.version())'
fi
