package dev.panagrad.backend;

import java.lang.foreign.MemorySegment;

/**
 * {@code C[b] = alpha * A[b] @ B[b] + beta * C[b]} for b in [0, batch): A is m×k, B is
 * k×n, C is m×n, each addressed by an element offset, a batch stride (0 to broadcast) and
 * row/column strides, so a transposed operand is just swapped strides, never a copy.
 * With {@code beta == 0} C is written without being read (NaN in C does not leak).
 */
public record Gemm(int batch, int m, int n, int k, double alpha,
                   MemorySegment a, long aOffset, long aBatchStride, long aRowStride, long aColStride,
                   MemorySegment b, long bOffset, long bBatchStride, long bRowStride, long bColStride,
                   double beta,
                   MemorySegment c, long cOffset, long cBatchStride, long cRowStride, long cColStride) {
}
