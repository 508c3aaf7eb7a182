package dev.panagrad;

import dev.panagrad.backend.Conv2dGeometry;
import dev.panagrad.backend.Gemm;
import dev.panagrad.backend.Iter;
import dev.panagrad.backend.BinaryOp;

import java.lang.foreign.MemorySegment;

/**
 * 2-D convolution through im2col and the GEMM: the images are unfolded into a column
 * matrix [C*kh*kw, N*Ho*Wo], each group's weights multiply their block of rows in one GEMM
 * call over the whole batch, and the result is laid back out as [N, O, Ho, Wo] with the bias
 * added in the same pass. Backward recomputes the columns from the saved input (the memory
 * frugal choice) for the weight gradient, and folds the input gradient back with col2im.
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
        DType dt = x.dtype;
        int o = w.shape[0];
        long p = (long) g.oh() * g.ow();
        Tensor xc = ViewOps.contiguous(x), wc = ViewOps.contiguous(w);
        Tensor col = Tensor.allocate(x.backend, dt, new int[] {(int) g.rows(), (int) g.cols()});
        Tensor mat = Tensor.allocate(x.backend, dt, new int[] {o, (int) g.cols()});
        Tensor out = Tensor.allocate(x.backend, dt, new int[] {g.n(), o, g.oh(), g.ow()});
        try {
            x.backend.im2col(dt, g, xc.storage.segment(), xc.offset, col.storage.segment(), col.offset);
            groupedGemm(wc, false, col, mat, groups, 0);
            // [O, N, P] -> [N, O, P], adding the bias on the way.
            MemorySegment[] segs = {out.storage.segment(), mat.storage.segment(), null};
            long[] offs = {out.offset, mat.offset, 0};
            long[][] st = {out.strides, {p, g.n() * p, g.ow(), 1}, null};
            int[] shape = out.shape;
            if (b != null) {
                segs[2] = b.storage.segment();
                offs[2] = b.offset;
                st[2] = new long[] {0, b.strides[0], 0, 0};
                x.backend.binary(BinaryOp.ADD, dt, Iter.of(shape, segs, offs, st));
            } else {
                x.backend.copy(Iter.of(shape, new MemorySegment[] {segs[0], segs[1]}, new long[] {offs[0], offs[1]},
                        new long[][] {st[0], st[1]}), dt, dt);
            }
        } catch (RuntimeException e) {
            out.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            col.release(Tensor.RELEASED_BY_SCOPE);
            mat.release(Tensor.RELEASED_BY_SCOPE);
            if (xc != x) xc.release(Tensor.RELEASED_BY_SCOPE);
            if (wc != w) wc.release(Tensor.RELEASED_BY_SCOPE);
        }
        return out;
    }

    /**
     * For each group: out_g = W_g @ col_g (weights [O/g, Kg] against rows [Kg, cols]), or with
     * {@code transposeW}: out_g = W_g^T @ col_g. {@code beta} 1 accumulates into out.
     */
    private static void groupedGemm(Tensor wc, boolean transposeW, Tensor col, Tensor out, int groups, double beta) {
        int o = wc.shape[0];
        int kg = (int) (wc.numel / o);
        int og = o / groups;
        int cols = col.shape[1];
        for (int gi = 0; gi < groups; gi++) {
            long wOff = wc.offset + (long) gi * og * kg;
            int m = transposeW ? kg : og, k = transposeW ? og : kg;
            long aRow = transposeW ? 1 : kg, aCol = transposeW ? kg : 1;
            long bOff = col.offset + (long) gi * k * cols;
            long cOff = out.offset + (long) gi * m * out.shape[1];
            out.backend.gemm(wc.dtype, new Gemm(1, m, cols, k, 1.0,
                    wc.storage.segment(), wOff, 0, aRow, aCol,
                    col.storage.segment(), bOff, 0, cols, 1,
                    beta, out.storage.segment(), cOff, 0, out.shape[1], 1));
        }
    }

    private static Tensor[] backward(Tensor grad, FnNode node, Conv2dGeometry g, int groups, boolean hasBias) {
        Tensor x = node.saved(0), w = node.saved(1);
        DType dt = grad.dtype;
        int o = w.shape[0];
        long p = (long) g.oh() * g.ow();
        Tensor gx = null, gw = null, gb = null;
        // grad [N, O, P] -> gmat [O, N*P]
        Tensor gmat = Tensor.allocate(grad.backend, dt, new int[] {o, (int) g.cols()});
        Tensor gperm = gmat.view(grad.shape, new long[] {p, g.n() * p, g.ow(), 1}, gmat.offset);
        grad.backend.copy(Pointwise.iter2(gperm, grad), dt, dt);
        gperm.release(Tensor.RELEASED_BY_SCOPE);
        Tensor wc = ViewOps.contiguous(w);
        if (node.needsInputGrad(1)) {
            Tensor xc = ViewOps.contiguous(x);
            Tensor col = Tensor.allocate(grad.backend, dt, new int[] {(int) g.rows(), (int) g.cols()});
            grad.backend.im2col(dt, g, xc.storage.segment(), xc.offset, col.storage.segment(), col.offset);
            gw = Tensor.allocate(grad.backend, dt, w.shape);
            int og = o / groups, kg = (int) (w.numel / o);
            long cols = g.cols();
            for (int gi = 0; gi < groups; gi++) {
                // gW_g [O/g, Kg] = gmat_g [O/g, cols] @ col_g^T [cols, Kg]
                grad.backend.gemm(dt, new Gemm(1, og, kg, (int) cols, 1.0,
                        gmat.storage.segment(), gmat.offset + (long) gi * og * cols, 0, cols, 1,
                        col.storage.segment(), col.offset + (long) gi * kg * cols, 0, 1, cols,
                        0.0, gw.storage.segment(), gw.offset + (long) gi * og * kg, 0, kg, 1));
            }
            col.release(Tensor.RELEASED_BY_SCOPE);
        }
        if (node.needsInputGrad(0)) {
            Tensor gcol = Tensor.allocate(grad.backend, dt, new int[] {(int) g.rows(), (int) g.cols()});
            groupedGemm(wc, true, gmat, gcol, groups, 0);
            gx = Creation.full(dt, 0, x.shape, "conv2d backward");
            grad.backend.col2im(dt, g, gcol.storage.segment(), gcol.offset, gx.storage.segment(), gx.offset);
            gcol.release(Tensor.RELEASED_BY_SCOPE);
        }
        if (hasBias && node.needsInputGrad(2)) gb = Reductions.sum(grad, new int[] {0, 2, 3}, false);
        gmat.release(Tensor.RELEASED_BY_SCOPE);
        return new Tensor[] {gx, gw, gb};
    }
}
