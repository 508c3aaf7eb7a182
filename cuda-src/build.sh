#!/usr/bin/env bash
# Builds libpanagrad_cuda.so from the .cu files here into the directory given as $1
# (the build puts it under target/classes/native/linux-x86_64 so it ships inside the jar).
# Without nvcc on the PATH it prints one line and does nothing: the CUDA backend then
# reports itself unavailable and everything else works.
set -euo pipefail
out="${1:?usage: build.sh OUTPUT_DIR}"
src="$(cd "$(dirname "$0")" && pwd)"
if ! command -v nvcc >/dev/null 2>&1; then
  echo "panagrad: nvcc not found on PATH; skipping libpanagrad_cuda.so (the CUDA backend will be unavailable)"
  exit 0
fi
mkdir -p "$out"
lib="$out/libpanagrad_cuda.so"
# Rebuild only when a source is newer than the library.
if [ -f "$lib" ] && [ -z "$(find "$src" -name '*.cu' -newer "$lib" -o -name '*.h' -newer "$lib" | head -n 1)" ]; then
  exit 0
fi
# Fatbin for sm_80 (A100) and sm_90 (H100/H200), plus PTX for newer GPUs to JIT.
# cudart is linked statically (nvcc's default), so the jar needs only the driver at run time.
nvcc -O3 -shared -Xcompiler -fPIC -std=c++17 \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -cudart static \
  -o "$lib.tmp" "$src"/*.cu
mv "$lib.tmp" "$lib"
echo "panagrad: built $(basename "$lib") with $(nvcc --version | tail -n 1)"
