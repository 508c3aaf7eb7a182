#!/usr/bin/env bash
# Builds libpanagrad_cuda.so from the .cu files here into the directory given as $1
# (the build puts it under target/classes/native/linux-x86_64 so it ships inside the jar).
# Without nvcc on the PATH it prints one line and does nothing: the CUDA backend then
# reports itself unavailable and everything else works.
# Quiet by design: one line when it builds, nothing when the library is up to date.
set -euo pipefail
out="${1:?usage: build.sh OUTPUT_DIR}"
# This check comes first and uses only bash builtins, so it works with any PATH
# (CudaBuildScriptTest runs it with nvcc removed from the PATH).
if ! command -v nvcc >/dev/null 2>&1; then
  echo "panagrad: nvcc not found on PATH; skipping libpanagrad_cuda.so (the CUDA backend will be unavailable)"
  exit 0
fi
case "$0" in */*) src="${0%/*}" ;; *) src=. ;; esac
src="$(cd "$src" && pwd)"
mkdir -p "$out"
lib="$out/libpanagrad_cuda.so"
# Rebuild only when a source, the export list or this script is newer than the library.
if [ -f "$lib" ] && [ -z "$(find "$src" -maxdepth 1 -type f -newer "$lib" \
      \( -name '*.cu' -o -name '*.cuh' -o -name '*.h' -o -name '*.map' -o -name 'build.sh' \) | head -n 1)" ]; then
  exit 0
fi
tmp="$lib.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# Fatbin for sm_80 (A100) and sm_90 (H100/H200), plus PTX for newer GPUs to JIT.
# cudart is linked statically, so the jar needs only the driver at run time.
# -fvisibility=hidden + exports.map: the .so exports only pg_* (nm -D shows them alone), so
# the static cudart never collides with another libcudart loaded in the same JVM.
# -z defs: an undefined symbol fails the link here rather than the dlopen at run time.
# --threads 0: compile the three targets in parallel.
nvcc -O3 -shared -std=c++17 --threads 0 \
  -Xcompiler -fPIC,-fvisibility=hidden \
  -Xlinker --version-script="$src/exports.map" -Xlinker -z,defs \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -cudart static \
  -o "$tmp" "$src"/*.cu
mv "$tmp" "$lib"
echo "panagrad: built $(basename "$lib") with $(nvcc --version | tail -n 1)"
