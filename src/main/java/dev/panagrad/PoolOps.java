package dev.panagrad;

import dev.panagrad.backend.PoolGeometry;

/** Max, average and adaptive average pooling over the last two dimensions, with gradients. */
final class PoolOps {
    private PoolOps() {}

    private static void check(String op, Tensor x) {
        x.checkAlive(op);
        if (x.shape.length != 3 && x.shape.length != 4) {
            throw new ShapeMismatchException(op + ": expects a 3-D [C, H, W] or 4-D [N, C, H, W] input, got "
                    + Shapes.str(x.shape));
        }
        if (!x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException(op + ": expects a floating point input, got " + x.dtype.pyName());
        }
    }

    private static int[] outShape(Tensor x, int oh, int ow) {
        int[] s = x.shape.clone();
        s[s.length - 2] = oh;
        s[s.length - 1] = ow;
        return s;
    }

    private static int planes(Tensor x) {
        int p = 1;
        for (int i = 0; i < x.shape.length - 2; i++) p *= x.shape[i];
        return p;
    }

    static Tensor pool2d(boolean max, Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation,
                         boolean ceilMode, boolean countIncludePad) {
        String op = max ? "max_pool2d" : "avg_pool2d";
        check(op, x);
        int[] st = stride == null || stride.length == 0 ? kernel : stride;
        ConvOps.checkPairs(op, st, padding, dilation);
        if (kernel.length != 2 || kernel[0] < 1 || kernel[1] < 1) {
            throw new IllegalArgumentException(op + ": kernel_size must be a pair of positive sizes, got "
                    + java.util.Arrays.toString(kernel));
        }
        if (padding[0] * 2 > kernel[0] || padding[1] * 2 > kernel[1]) {
            throw new IllegalArgumentException(op + ": padding " + java.util.Arrays.toString(padding)
                    + " should be at most half of the kernel size " + java.util.Arrays.toString(kernel));
        }
        int h = x.shape[x.shape.length - 2], w = x.shape[x.shape.length - 1];
        int oh = PoolGeometry.outSize(h, kernel[0], st[0], padding[0], dilation[0], ceilMode);
        int ow = PoolGeometry.outSize(w, kernel[1], st[1], padding[1], dilation[1], ceilMode);
        if (oh <= 0 || ow <= 0) {
            throw new ShapeMismatchException(op + ": the output would be " + oh + "x" + ow + " for input "
                    + Shapes.str(x.shape) + " with kernel " + java.util.Arrays.toString(kernel) + "; the input is too small");
        }
        PoolGeometry g = new PoolGeometry(h, w, kernel[0], kernel[1], st[0], st[1], padding[0], padding[1],
                dilation[0], dilation[1], oh, ow);
        Tensor xc = ViewOps.contiguous(x);
        int planes = planes(x);
        Tensor out = Tensor.allocate(x.backend, x.dtype, outShape(x, oh, ow));
        Tensor idx = max ? Tensor.allocate(x.backend, DType.INT64, out.shape) : null;
        try {
            x.backend.pool2d(x.dtype, g, max, countIncludePad, planes, xc.storage.segment(), xc.offset,
                    out.storage.segment(), out.offset, idx == null ? null : idx.storage.segment(), 0);
        } finally {
            if (xc != x) xc.release(Tensor.RELEASED_BY_SCOPE);
        }
        if (Record.needed(x)) {
            int[] in = x.shape;
            Record.node(out, max ? "MaxPool2DWithIndicesBackward0" : "AvgPool2DBackward0", (grad, n) -> {
                noDoubleBackward(op);
                Tensor gc = ViewOps.contiguous(grad);
                Tensor gx = Creation.full(grad.dtype, 0, in, op + " backward");
                Tensor ix = max ? n.saved(0) : null;
                grad.backend.pool2dBackward(grad.dtype, g, max, countIncludePad, planes, gc.storage.segment(), gc.offset,
                        ix == null ? null : ix.storage.segment(), ix == null ? 0 : ix.offset, gx.storage.segment(), gx.offset);
                return new Tensor[] {gx};
            }, x, max ? SavedTensor.input(idx) : null);
        }
        if (idx != null) idx.release(Tensor.RELEASED_BY_SCOPE); // the node keeps its own reference
        return out;
    }

    static Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) {
        check("adaptive_avg_pool2d", x);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: output size must be positive, got " + oh + "x" + ow);
        }
        int h = x.shape[x.shape.length - 2], w = x.shape[x.shape.length - 1];
        int planes = planes(x);
        Tensor xc = ViewOps.contiguous(x);
        Tensor out = Tensor.allocate(x.backend, x.dtype, outShape(x, oh, ow));
        try {
            x.backend.adaptiveAvgPool2d(x.dtype, false, planes, h, w, oh, ow, xc.storage.segment(), xc.offset,
                    out.storage.segment(), out.offset);
        } finally {
            if (xc != x) xc.release(Tensor.RELEASED_BY_SCOPE);
        }
        if (Record.needed(x)) {
            int[] in = x.shape;
            Record.node(out, "AdaptiveAvgPool2DBackward0", (grad, n) -> {
                noDoubleBackward("adaptive_avg_pool2d");
                Tensor gc = ViewOps.contiguous(grad);
                Tensor gx = Creation.full(grad.dtype, 0, in, "adaptive_avg_pool2d backward");
                grad.backend.adaptiveAvgPool2d(grad.dtype, true, planes, h, w, oh, ow, gc.storage.segment(), gc.offset,
                        gx.storage.segment(), gx.offset);
                return new Tensor[] {gx};
            }, x);
        }
        return out;
    }

    private static void noDoubleBackward(String op) {
        if (Record.recording()) {
            throw new UnsupportedOperationException(op + ": differentiating its backward (createGraph) is not supported yet");
        }
    }
}
