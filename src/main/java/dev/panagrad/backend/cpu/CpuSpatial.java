package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.Conv2dGeometry;
import dev.panagrad.backend.PoolGeometry;

import java.lang.foreign.MemorySegment;

/** Drivers of the per-dtype image kernels (im2col, col2im, pooling): planes split over threads. */
final class CpuSpatial {
    private CpuSpatial() {}

    static void requireFloat(DType dt, String op) {
        if (!dt.isFloatingPoint()) throw new IllegalArgumentException(op + " needs float32 or float64, got " + dt.pyName());
    }

    static void im2col(DType dt, Conv2dGeometry g, MemorySegment x, long xOff, MemorySegment col, long colOff) {
        requireFloat(dt, "im2col");
        long work = (long) g.kh() * g.kw() * g.oh() * g.ow();
        CpuParallel.forRange((long) g.n() * g.c(), Math.max(1, CpuBackend.GRAIN / Math.max(1, work)), (i0, i1) -> {
            KernelSelection.of(dt).im2col(g, i0, i1, x, xOff, col, colOff);
        });
    }

    static void col2im(DType dt, Conv2dGeometry g, MemorySegment col, long colOff, MemorySegment x, long xOff) {
        requireFloat(dt, "col2im");
        long work = (long) g.kh() * g.kw() * g.oh() * g.ow();
        CpuParallel.forRange((long) g.n() * g.c(), Math.max(1, CpuBackend.GRAIN / Math.max(1, work)), (i0, i1) -> {
            KernelSelection.of(dt).col2im(g, i0, i1, col, colOff, x, xOff);
        });
    }

    static void pool(DType dt, PoolGeometry g, boolean max, boolean countIncludePad, int planes,
                     MemorySegment in, long inOff, MemorySegment out, long outOff, MemorySegment idx, long idxOff) {
        requireFloat(dt, "pool2d");
        long perPlane = (long) g.oh() * g.ow() * g.kh() * g.kw();
        boolean inside = max && g.windowsInside();
        CpuParallel.forRange(planes, Math.max(1, CpuBackend.GRAIN / Math.max(1, perPlane)), (p0, p1) -> {
            if (inside) {
                KernelSelection.of(dt).maxPoolInside(g, (int) p0, (int) p1, in, inOff, out, outOff, idx, idxOff);
            } else if (dt == DType.FLOAT32) {
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
