/*
 * What this machine's memory does for one thread, measured beside the JMH suite (bench/peers.py
 * builds and runs it when gcc is there): the C loops that bound our elementwise and reduction
 * rows. 16M floats (64 MiB per operand, far past every cache), AVX-512 where the compiler has
 * it, best of 15 runs. Prints one JSON object, milliseconds per pass.
 *   add.store   c = a + b with ordinary stores (the store's cache line is read first: 16 B
 *               of traffic per 12 logical bytes), what a JVM can do
 *   add.stream  the same with non-temporal stores (no read of c), which Java cannot issue
 *   add.inplace a += b (the line of a is in cache already)
 *   sum         the sum of a, 8 independent vector accumulators (pure read bandwidth)
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N (16L * 1024 * 1024)
#define REPS 15

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float sink;

static void add_store(const float *a, const float *b, float *c) {
    for (long i = 0; i < N; i += 16) _mm512_store_ps(c + i, _mm512_add_ps(_mm512_load_ps(a + i), _mm512_load_ps(b + i)));
}

static void add_stream(const float *a, const float *b, float *c) {
    for (long i = 0; i < N; i += 16) _mm512_stream_ps(c + i, _mm512_add_ps(_mm512_load_ps(a + i), _mm512_load_ps(b + i)));
    _mm_sfence();
}

static void add_inplace(float *a, const float *b, float *c) {
    (void) c;
    for (long i = 0; i < N; i += 16) _mm512_store_ps(a + i, _mm512_add_ps(_mm512_load_ps(a + i), _mm512_load_ps(b + i)));
}

static void sum(const float *a, const float *b, float *c) {
    (void) b; (void) c;
    __m512 s[8];
    for (int k = 0; k < 8; k++) s[k] = _mm512_setzero_ps();
    for (long i = 0; i < N; i += 128) {
        for (int k = 0; k < 8; k++) s[k] = _mm512_add_ps(s[k], _mm512_load_ps(a + i + 16 * k));
    }
    for (int k = 1; k < 8; k++) s[0] = _mm512_add_ps(s[0], s[k]);
    sink += _mm512_reduce_add_ps(s[0]);
}

static double best(void (*f)(float *, const float *, float *), float *a, const float *b, float *c) {
    double t = 1e9;
    for (int r = 0; r < REPS; r++) {
        double t0 = now();
        f(a, b, c);
        double d = now() - t0;
        if (d < t) t = d;
    }
    return t * 1e3;
}

int main(void) {
    float *a = aligned_alloc(64, N * 4), *b = aligned_alloc(64, N * 4), *c = aligned_alloc(64, N * 4);
    if (!a || !b || !c) return 1;
    for (long i = 0; i < N; i++) {
        a[i] = 1e-3f * (i & 1023);
        b[i] = 1e-6f;
        c[i] = 0;
    }
    printf("{\"limits.add.store.ms\": %.4f, ", best((void (*)(float *, const float *, float *)) add_store, a, b, c));
    printf("\"limits.add.stream.ms\": %.4f, ", best((void (*)(float *, const float *, float *)) add_stream, a, b, c));
    printf("\"limits.add.inplace.ms\": %.4f, ", best(add_inplace, a, b, c));
    printf("\"limits.sum.ms\": %.4f}\n", best((void (*)(float *, const float *, float *)) sum, a, b, c));
    return sink == 12345.f;
}
