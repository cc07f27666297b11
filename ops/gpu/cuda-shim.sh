#!/usr/bin/env bash
# Builds a stand-in for a CUDA 12 library that forwards each named function to the CUDA 13 one.
#   ops/gpu/cuda-shim.sh OUT_DIR SONAME12 SONAME13 SYMBOL...
# onnxruntime_gpu 1.29 links libcublas.so.12 and libcublasLt.so.12 with versioned symbols
# ("cublasSgemm_v2@libcublas.so.12"); a host with CUDA 13 has only the .so.13 libraries. The stand-in
# exports the symbols under the version the provider asks for, and each is one jump through a pointer
# that its constructor looks up in the CUDA 13 library (RTLD_GLOBAL), so arguments pass untouched.
# It relies on the functions it forwards keeping their CUDA 12 signatures in CUDA 13: check the
# scores against the reference engine (trainer verify-engine) on every new host.
set -euo pipefail
out=$1 soname=$2 target=$3; shift 3
src="$out/${soname%%.so*}-shim.c"
{
  echo '#include <dlfcn.h>'
  echo '#include <stdio.h>'
  echo '#include <stdlib.h>'
  for s in "$@"; do echo "__attribute__((used)) static void *p_$s;"; done
  echo '__attribute__((constructor)) static void shim_init(void) {'
  echo "  void *h = dlopen(\"$target\", RTLD_NOW | RTLD_GLOBAL);"
  echo "  if (!h) { fprintf(stderr, \"$soname stand-in: %s\\n\", dlerror()); abort(); }"
  for s in "$@"; do
    echo "  if (!(p_$s = dlsym(h, \"$s\"))) fprintf(stderr, \"$soname stand-in: $target has no $s\\n\");"
  done
  echo '}'
  for s in "$@"; do echo "__asm__(\".text\\n.globl $s\\n.type $s,@function\\n$s: jmp *p_$s(%rip)\\n\");"; done
} > "$src"
echo "$soname { global: $(printf '%s; ' "$@") local: *; };" > "$src.map"
gcc -O2 -shared -fPIC -o "$out/$soname" -Wl,-soname,"$soname" -Wl,--version-script="$src.map" "$src" -ldl
rm -f "$src" "$src.map"
