package dev.panagrad;

import dev.panagrad.backend.Conv2dGeometry;

/**
 * 2-D convolution: the shape, dtype and device rules and the autograd node; the backend's
 * {@code conv2d} kernels do the arithmetic (on the CPU im2col and the GEMM a block of images
 * at a time, see {@code CpuConvolution}). Backward recomputes the columns from the saved
 * input (the memory-frugal choice) rather than keeping them from the forward.
 */
final class ConvOps {
    private ConvOps() {}

    static Tensor conv2d(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
        x.checkAlive("conv2d");
        w.checkAlive("conv2d");
        if (b != null) b.checkAlive("conv2d");
        if (x.shape.length == 3) {
            try (Scope tmp = Scope.open()) {
                Tensor r = conv2d(ViewOps.unsqueeze(x, 0), w, b, stride, padding, dilation, groups);
                return tmp.keep(ViewOps.squeeze(r, 0));
            }
        }
        if (x.shape.length != 4 || w.shape.length != 4) {
            throw new ShapeMismatchException("conv2d: expects a 4-D input [N, C, H, W] (or 3-D unbatched) and a 4-D weight "
                    + "[O, C/groups, kh, kw], got " + Shapes.str(x.shape) + " and " + Shapes.str(w.shape));
        }
        if (x.dtype != w.dtype || (b != null && b.dtype != x.dtype) || !x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("conv2d: input, weight and bias must share a floating point dtype, got "
                    + x.dtype.pyName() + ", " + w.dtype.pyName() + (b == null ? "" : ", " + b.dtype.pyName()));
        }
        Pointwise.checkSameDevice("conv2d", x, w);
        if (groups < 1) throw new IllegalArgumentException("conv2d: groups must be positive, got " + groups);
        checkPairs("conv2d", stride, padding, dilation);
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
        int o = w.shape[0], kh = w.shape[2], kw = w.shape[3];
        if (c != w.shape[1] * groups || o % groups != 0) {
            throw new ShapeMismatchException("conv2d: the weight " + Shapes.str(w.shape) + " with groups=" + groups
                    + " expects an input with " + (w.shape[1] * groups) + " channels (and out channels divisible by groups), "
                    + "but the input " + Shapes.str(x.shape) + " has " + c + " channels");
        }
        if (b != null && (b.shape.length != 1 || b.shape[0] != o)) {
            throw new ShapeMismatchException("conv2d: the bias must have shape [" + o + "], got " + Shapes.str(b.shape));
        }
        int oh = Conv2dGeometry.outSize(h, kh, stride[0], padding[0], dilation[0]);
        int ow = Conv2dGeometry.outSize(wd, kw, stride[1], padding[1], dilation[1]);
        if (oh <= 0 || ow <= 0) {
            throw new ShapeMismatchException("conv2d: the output would be " + oh + "x" + ow + " for input " + Shapes.str(x.shape)
                    + " with kernel " + kh + "x" + kw + ", stride " + java.util.Arrays.toString(stride) + ", padding "
                    + java.util.Arrays.toString(padding) + ", dilation " + java.util.Arrays.toString(dilation)
                    + ": the kernel does not fit; pad the input or use a smaller kernel");
        }
        Conv2dGeometry g = new Conv2dGeometry(n, c, h, wd, kh, kw, stride[0], stride[1], padding[0], padding[1],
                dilation[0], dilation[1], oh, ow);
        Tensor out = forward(x, w, b, g, groups);
        if (Record.needed(x, w, b)) {
            Record.nodeN(out, "ConvolutionBackward0", (grad, node) -> {
                if (Record.recording()) {
                    throw new UnsupportedOperationException("conv2d: differentiating the backward of a convolution "
                            + "(createGraph) is not supported yet");
                }
                return backward(grad, node, g, groups, b != null);
            }, new Tensor[] {x, w, b}, SavedTensor.input(x), SavedTensor.input(w));
        }
        return out;
    }

    static void checkPairs(String op, int[]... pairs) {
        for (int[] p : pairs) {
            if (p.length != 2) throw new IllegalArgumentException(op + ": expected a pair of (height, width) values, got "
                    + java.util.Arrays.toString(p));
        }
        if (pairs[0][0] < 1 || pairs[0][1] < 1) throw new IllegalArgumentException(op + ": stride must be positive");
        if (pairs[1][0] < 0 || pairs[1][1] < 0) throw new IllegalArgumentException(op + ": padding must be non-negative");
        if (pairs.length > 2 && (pairs[2][0] < 1 || pairs[2][1] < 1)) {
            throw new IllegalArgumentException(op + ": dilation must be positive");
        }
    }

    private static Tensor forward(Tensor x, Tensor w, Tensor b, Conv2dGeometry g, int groups) {
        Tensor xc = ViewOps.contiguous(x), wc = ViewOps.contiguous(w), bc = b == null ? null : ViewOps.contiguous(b);
        Tensor out = Tensor.allocate(x.backend, x.dtype, new int[] {g.n(), w.shape[0], g.oh(), g.ow()});
        try {
            x.backend.conv2d(x.dtype, g, w.shape[0], groups, xc.storage.segment(), xc.offset,
                    wc.storage.segment(), wc.offset, bc == null ? null : bc.storage.segment(), bc == null ? 0 : bc.offset,
                    out.storage.segment(), out.offset);
        } catch (RuntimeException e) {
            out.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            releaseCopy(xc, x);
            releaseCopy(wc, w);
            releaseCopy(bc, b);
        }
        return out;
    }

    private static void releaseCopy(Tensor copy, Tensor original) {
        if (copy != original) copy.release(Tensor.RELEASED_BY_SCOPE);
    }

    private static Tensor[] backward(Tensor grad, FnNode node, Conv2dGeometry g, int groups, boolean hasBias) {
        Tensor x = node.saved(0), w = node.saved(1);
        DType dt = grad.dtype;
        int o = w.shape[0];
        Tensor gx = null, gw = null, gb = null;
        Tensor gc = ViewOps.contiguous(grad);
        try {
            if (node.needsInputGrad(1)) {
                Tensor xc = ViewOps.contiguous(x);
                gw = Tensor.allocate(grad.backend, dt, w.shape);
                try {
                    grad.backend.conv2dWeightGrad(dt, g, o, groups, gc.storage.segment(), gc.offset,
                            xc.storage.segment(), xc.offset, gw.storage.segment(), gw.offset);
                } finally {
                    releaseCopy(xc, x);
                }
            }
            if (node.needsInputGrad(0)) {
                Tensor wc = ViewOps.contiguous(w);
                gx = Tensor.allocate(grad.backend, dt, x.shape);
                try {
                    grad.backend.conv2dInputGrad(dt, g, o, groups, gc.storage.segment(), gc.offset,
                            wc.storage.segment(), wc.offset, gx.storage.segment(), gx.offset);
                } finally {
                    releaseCopy(wc, w);
                }
            }
            if (hasBias && node.needsInputGrad(2)) gb = Reductions.sum(grad, new int[] {0, 2, 3}, false);
        } finally {
            releaseCopy(gc, grad);
        }
        return new Tensor[] {gx, gw, gb};
    }
}
