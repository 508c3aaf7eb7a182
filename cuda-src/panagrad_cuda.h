/*
 * The C interface of libpanagrad_cuda.so: extern "C" launchers taking device pointers,
 * sizes and a stream, plus the few runtime calls the Java side needs (so that cudart,
 * linked statically into this library, never has to be found separately).
 * The Java bindings in native-bindings/ are generated from this header.
 * Every function returns a cudaError_t as int (0 = success).
 */
#ifndef PANAGRAD_CUDA_H
#define PANAGRAD_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runtime. */
int pg_device_count(int *count);
int pg_set_device(int device);
int pg_malloc(void **ptr, size_t bytes);
int pg_free(void *ptr);
/* kind: 1 host->device, 2 device->host, 3 device->device */
int pg_memcpy(void *dst, const void *src, size_t bytes, int kind);
int pg_synchronize(void);
/* A static string describing an error code. */
const char *pg_error_string(int code);

/* Kernels. out[i] = a[i] + b[i] for i < n (float32). */
int pg_add_f32(const float *a, const float *b, float *out, int64_t n, void *stream);

#ifdef __cplusplus
}
#endif

#endif
