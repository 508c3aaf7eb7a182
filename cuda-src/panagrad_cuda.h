/*
 * The C interface of libpanagrad_cuda.so: extern "C" launchers taking device pointers,
 * sizes and a stream, plus the few runtime calls the Java side needs (so that cudart,
 * linked statically into this library, never has to be found separately).
 *
 * The Java bindings in native-bindings/java are in jextract's shape and must match this
 * header (native-bindings/README.md; CudaBindingsMatchHeaderTest checks the names and
 * parameter counts). Every function except pg_error_string returns a cudaError_t as int
 * (0 = success). Only the functions declared here are exported (exports.map).
 */
#ifndef PANAGRAD_CUDA_H
#define PANAGRAD_CUDA_H

#include <stddef.h>
#include <stdint.h>

/* The library is compiled with -fvisibility=hidden; this marks the exported API. */
#if defined(__GNUC__)
#define PG_API __attribute__((visibility("default")))
#else
#define PG_API
#endif

/* pg_memcpy directions (the values of cudaMemcpyKind). */
#define PG_MEMCPY_HOST_TO_DEVICE 1
#define PG_MEMCPY_DEVICE_TO_HOST 2
#define PG_MEMCPY_DEVICE_TO_DEVICE 3

#ifdef __cplusplus
extern "C" {
#endif

/* Runtime. */
PG_API int pg_device_count(int *count);
/* The CUDA version the installed driver supports (e.g. 13000 for 13.0); 0 when no driver is installed. */
PG_API int pg_driver_version(int *version);
/* The CUDA runtime version this library was built with (e.g. 13000). */
PG_API int pg_runtime_version(int *version);
PG_API int pg_set_device(int device);
PG_API int pg_malloc(void **ptr, size_t bytes);
PG_API int pg_free(void *ptr);
/* kind: one of PG_MEMCPY_*; any other value fails with cudaErrorInvalidMemcpyDirection. */
PG_API int pg_memcpy(void *dst, const void *src, size_t bytes, int kind);
PG_API int pg_synchronize(void);
/* A static string describing an error code (never NULL). */
PG_API const char *pg_error_string(int code);

/* Kernels. out[i] = a[i] + b[i] for i < n (float32); stream NULL is the default stream. */
PG_API int pg_add_f32(const float *a, const float *b, float *out, int64_t n, void *stream);

#ifdef __cplusplus
}
#endif

#endif
