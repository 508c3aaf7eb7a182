package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.Gemm;

/**
 * The plain triple loop over any strides, accumulating in double: the reference that the
 * fast GEMM is tested against, and the path for int64.
 */
final class ReferenceGemm {
    private ReferenceGemm() {}

    static void gemm(DType dt, Gemm g) {
        for (int b = 0; b < g.batch(); b++) {
            long ab = g.aOffset() + b * g.aBatchStride();
            long bb = g.bOffset() + b * g.bBatchStride();
            long cb = g.cOffset() + b * g.cBatchStride();
            for (int i = 0; i < g.m(); i++) {
                for (int j = 0; j < g.n(); j++) {
                    double acc = 0;
                    for (int p = 0; p < g.k(); p++) {
                        acc += Elem.get(dt, g.a(), ab + i * g.aRowStride() + p * g.aColStride())
                                * Elem.get(dt, g.b(), bb + p * g.bRowStride() + j * g.bColStride());
                    }
                    long ci = cb + i * g.cRowStride() + j * g.cColStride();
                    double v = g.alpha() * acc;
                    if (g.beta() != 0) v += g.beta() * Elem.get(dt, g.c(), ci);
                    Elem.set(dt, g.c(), ci, v);
                }
            }
        }
    }
}
