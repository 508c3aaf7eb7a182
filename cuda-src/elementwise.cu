// Elementwise kernels and their extern "C" launchers (see panagrad_cuda.h).
#include "panagrad_cuda.h"
#include <cuda_runtime.h>

namespace {

// Grid-stride loop: any n with a bounded grid.
__global__ void add_f32_kernel(const float *__restrict__ a, const float *__restrict__ b,
                               float *__restrict__ out, int64_t n) {
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < n;
         i += (int64_t) blockDim.x * gridDim.x) {
        out[i] = a[i] + b[i];
    }
}

// At most 65535 blocks (x 256 threads = 16.7M elements a pass); larger n loop in the kernel.
int grid_for(int64_t n, int block) {
    int64_t blocks = (n + block - 1) / block;
    return (int) (blocks > 65535 ? 65535 : (blocks < 1 ? 1 : blocks));
}

}  // namespace

extern "C" int pg_add_f32(const float *a, const float *b, float *out, int64_t n, void *stream) {
    if (n <= 0) return 0;
    const int block = 256;
    add_f32_kernel<<<grid_for(n, block), block, 0, (cudaStream_t) stream>>>(a, b, out, n);
    return (int) cudaGetLastError();
}
