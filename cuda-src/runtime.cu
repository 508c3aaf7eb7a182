// Thin wrappers over the CUDA runtime, so the Java side binds only this library.
#include "panagrad_cuda.h"
#include <cuda_runtime.h>

extern "C" int pg_device_count(int *count) { return (int) cudaGetDeviceCount(count); }
extern "C" int pg_driver_version(int *version) { return (int) cudaDriverGetVersion(version); }
extern "C" int pg_runtime_version(int *version) { return (int) cudaRuntimeGetVersion(version); }
extern "C" int pg_set_device(int device) { return (int) cudaSetDevice(device); }
extern "C" int pg_malloc(void **ptr, size_t bytes) { return (int) cudaMalloc(ptr, bytes); }
extern "C" int pg_free(void *ptr) { return (int) cudaFree(ptr); }

extern "C" int pg_memcpy(void *dst, const void *src, size_t bytes, int kind) {
    // Explicit mapping: an unknown kind must fail, not silently become device-to-device.
    cudaMemcpyKind k;
    switch (kind) {
        case PG_MEMCPY_HOST_TO_DEVICE: k = cudaMemcpyHostToDevice; break;
        case PG_MEMCPY_DEVICE_TO_HOST: k = cudaMemcpyDeviceToHost; break;
        case PG_MEMCPY_DEVICE_TO_DEVICE: k = cudaMemcpyDeviceToDevice; break;
        default: return (int) cudaErrorInvalidMemcpyDirection;
    }
    return (int) cudaMemcpy(dst, src, bytes, k);
}

extern "C" int pg_synchronize(void) { return (int) cudaDeviceSynchronize(); }
extern "C" const char *pg_error_string(int code) { return cudaGetErrorString((cudaError_t) code); }
