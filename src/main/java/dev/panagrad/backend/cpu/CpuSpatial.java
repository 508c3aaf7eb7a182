package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.Conv2dGeometry;
import dev.panagrad.backend.PoolGeometry;

import java.lang.foreign.MemorySegment;

/** Drivers of the image kernels: im2col (a typeless copy) and the per-dtype col2im and pooling. */
final class CpuSpatial {
    private CpuSpatial() {}

    private static void requireFloat(DType dt, String op) {
        if (!dt.isFloatingPoint()) throw new IllegalArgumentException(op + " needs float32 or float64, got " + dt.pyName());
    }

    static void im2col(DType dt, Conv2dGeometry g, MemorySegment x, long xOff, MemorySegment col, long colOff) {
        int es = dt.byteSize();
        long p = (long) g.oh() * g.ow();
        long cols = g.cols();
        long rows = g.rows();
        // Work items: (row, image) pairs; each writes its own stretch of the column matrix.
        CpuParallel.forRange(rows * g.n(), Math.max(1, CpuBackend.GRAIN / Math.max(1, p)), (i0, i1) -> {
            for (long item = i0; item < i1; item++) {
                long row = item / g.n();
                int n = (int) (item % g.n());
                int kj = (int) (row % g.kw());
                int ki = (int) ((row / g.kw()) % g.kh());
                int c = (int) (row / ((long) g.kw() * g.kh()));
                long dst = (colOff + row * cols + n * p) * es;
                long plane = (xOff + ((long) n * g.c() + c) * g.h() * g.w()) * es;
                int ow0 = g.firstValidOw(kj), ow1 = g.endValidOw(kj);
                for (int oh = 0; oh < g.oh(); oh++) {
                    long d = dst + (long) oh * g.ow() * es;
                    int ih = oh * g.sh() - g.ph() + ki * g.dh();
                    if (ih < 0 || ih >= g.h() || ow0 >= ow1) {
                        col.asSlice(d, (long) g.ow() * es).fill((byte) 0);
                        continue;
                    }
                    if (ow0 > 0) col.asSlice(d, (long) ow0 * es).fill((byte) 0);
                    if (ow1 < g.ow()) col.asSlice(d + (long) ow1 * es, (long) (g.ow() - ow1) * es).fill((byte) 0);
                    long srcRow = plane + (long) ih * g.w() * es;
                    int iw0 = ow0 * g.sw() - g.pw() + kj * g.dw();
                    if (g.sw() == 1) {
                        MemorySegment.copy(x, srcRow + (long) iw0 * es, col, d + (long) ow0 * es, (long) (ow1 - ow0) * es);
                    } else {
                        for (int ow = ow0, iw = iw0; ow < ow1; ow++, iw += g.sw()) {
                            Elem.move(es, x, (srcRow / es) + iw, col, d / es + ow);
                        }
                    }
                }
            }
        });
    }

    static void col2im(DType dt, Conv2dGeometry g, MemorySegment col, long colOff, MemorySegment x, long xOff) {
        requireFloat(dt, "col2im");
        long work = g.rows() * g.cols() / Math.max(1, g.c());
        CpuParallel.forRange(g.c(), Math.max(1, CpuBackend.GRAIN / Math.max(1, work)), (c0, c1) -> {
            if (dt == DType.FLOAT32) FloatSpatialKernels.col2im(g, (int) c0, (int) c1, col, colOff, x, xOff);
            else DoubleSpatialKernels.col2im(g, (int) c0, (int) c1, col, colOff, x, xOff);
        });
    }

    static void pool(DType dt, PoolGeometry g, boolean max, boolean countIncludePad, int planes,
                     MemorySegment in, long inOff, MemorySegment out, long outOff, MemorySegment idx, long idxOff) {
        requireFloat(dt, "pool2d");
        long perPlane = (long) g.oh() * g.ow() * g.kh() * g.kw();
        CpuParallel.forRange(planes, Math.max(1, CpuBackend.GRAIN / Math.max(1, perPlane)), (p0, p1) -> {
            if (dt == DType.FLOAT32) {
                FloatSpatialKernels.pool(g, max, countIncludePad, (int) p0, (int) p1, in, inOff, out, outOff, idx, idxOff);
            } else {
                DoubleSpatialKernels.pool(g, max, countIncludePad, (int) p0, (int) p1, in, inOff, out, outOff, idx, idxOff);
            }
        });
    }

    static void poolBackward(DType dt, PoolGeometry g, boolean max, boolean countIncludePad, int planes,
                             MemorySegment gradOut, long goOff, MemorySegment idx, long idxOff,
                             MemorySegment gradIn, long giOff) {
        requireFloat(dt, "pool2d backward");
        long perPlane = (long) g.oh() * g.ow() * (max ? 1 : (long) g.kh() * g.kw());
        CpuParallel.forRange(planes, Math.max(1, CpuBackend.GRAIN / Math.max(1, perPlane)), (p0, p1) -> {
            if (dt == DType.FLOAT32) {
                FloatSpatialKernels.poolBackward(g, max, countIncludePad, (int) p0, (int) p1, gradOut, goOff, idx, idxOff, gradIn, giOff);
            } else {
                DoubleSpatialKernels.poolBackward(g, max, countIncludePad, (int) p0, (int) p1, gradOut, goOff, idx, idxOff, gradIn, giOff);
            }
        });
    }

    static void adaptiveAvg(DType dt, boolean backward, int planes, int h, int w, int oh, int ow,
                            MemorySegment in, long inOff, MemorySegment out, long outOff) {
        requireFloat(dt, "adaptive_avg_pool2d");
        long perPlane = (long) h * w;
        CpuParallel.forRange(planes, Math.max(1, CpuBackend.GRAIN / Math.max(1, perPlane)), (p0, p1) -> {
            boolean f = dt == DType.FLOAT32;
            if (backward) {
                if (f) FloatSpatialKernels.adaptiveAvgBackward(h, w, oh, ow, (int) p0, (int) p1, in, inOff, out, outOff);
                else DoubleSpatialKernels.adaptiveAvgBackward(h, w, oh, ow, (int) p0, (int) p1, in, inOff, out, outOff);
            } else {
                if (f) FloatSpatialKernels.adaptiveAvg(h, w, oh, ow, (int) p0, (int) p1, in, inOff, out, outOff);
                else DoubleSpatialKernels.adaptiveAvg(h, w, oh, ow, (int) p0, (int) p1, in, inOff, out, outOff);
            }
        });
    }
}
