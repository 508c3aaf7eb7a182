package dev.panagrad;

import dev.panagrad.backend.Gemm;

/**
 * Matrix products. Every form (dot, mv, mm, bmm, broadcast-batched matmul) becomes one
 * strided batched GEMM call: transposed or sliced operands are passed by their strides,
 * never copied; broadcast batch dimensions have batch stride 0.
 */
final class LinearAlgebra {
    private LinearAlgebra() {}

    private static void checkPair(String op, Tensor a, Tensor b) {
        a.checkAlive(op);
        b.checkAlive(op);
        Pointwise.checkSameDevice(op, a, b);
        if (a.dtype != b.dtype) {
            throw new DTypeMismatchException(op + ": expected both operands to have the same dtype, got "
                    + a.dtype.pyName() + " and " + b.dtype.pyName() + "; convert one with to(DType)");
        }
        if (a.dtype == DType.BOOL) throw new DTypeMismatchException(op + ": bool matrices are not supported");
    }

    static Tensor mm(Tensor a, Tensor b) {
        checkPair("mm", a, b);
        if (a.shape.length != 2 || b.shape.length != 2) {
            throw new ShapeMismatchException("mm: expects 2-D matrices, got shapes " + Shapes.str(a.shape) + " and "
                    + Shapes.str(b.shape) + "; use matmul for other ranks");
        }
        return batched("mm", a, b, "MmBackward0");
    }

    static Tensor bmm(Tensor a, Tensor b) {
        checkPair("bmm", a, b);
        if (a.shape.length != 3 || b.shape.length != 3) {
            throw new ShapeMismatchException("bmm: expects 3-D batches of matrices, got shapes " + Shapes.str(a.shape)
                    + " and " + Shapes.str(b.shape));
        }
        if (a.shape[0] != b.shape[0]) {
            throw new ShapeMismatchException("bmm: batch sizes differ: shapes " + Shapes.str(a.shape) + " and "
                    + Shapes.str(b.shape) + " (use matmul to broadcast batches)");
        }
        return batched("bmm", a, b, "BmmBackward0");
    }

    static Tensor matmul(Tensor a, Tensor b) {
        checkPair("matmul", a, b);
        int ra = a.shape.length, rb = b.shape.length;
        if (ra == 0 || rb == 0) {
            throw new ShapeMismatchException("matmul: both arguments need at least 1 dimension, got shapes "
                    + Shapes.str(a.shape) + " and " + Shapes.str(b.shape));
        }
        if (ra == 1 && rb == 1) {
            if (a.shape[0] != b.shape[0]) {
                throw new ShapeMismatchException("matmul: inconsistent vector sizes " + a.shape[0] + " and " + b.shape[0]
                        + " (shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + ")");
            }
        }
        if (ra >= 2 && rb >= 2) return batched("matmul", a, b, ra == 2 && rb == 2 ? "MmBackward0" : "BmmBackward0");
        int ka = a.shape[ra - 1], kb = rb == 1 ? b.shape[0] : b.shape[rb - 2];
        if (ka != kb) { // checked here so the message names the caller's shapes, not the promoted ones
            throw new ShapeMismatchException("matmul: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " cannot be multiplied (inner sizes " + ka + " and " + kb + " differ)");
        }
        // 1-D operands: promote to matrices, multiply, drop the added dimension.
        try (Scope tmp = Scope.open()) {
            Tensor ma = ra == 1 ? ViewOps.unsqueeze(a, 0) : a;
            Tensor mb = rb == 1 ? ViewOps.unsqueeze(b, 1) : b;
            Tensor r = batched("matmul", ma, mb, ra == 1 && rb == 1 ? "DotBackward0" : "MvBackward0");
            if (ra == 1) r = ViewOps.squeeze(r, -2);
            if (rb == 1) r = ViewOps.squeeze(r, -1);
            return tmp.keep(r);
        }
    }

    /** a [..., n, k] @ b [..., k, m] with broadcast batch dims. */
    static Tensor batched(String op, Tensor a, Tensor b, String node) {
        int ra = a.shape.length, rb = b.shape.length;
        int n = a.shape[ra - 2], k = a.shape[ra - 1], k2 = b.shape[rb - 2], m = b.shape[rb - 1];
        if (k != k2) {
            throw new ShapeMismatchException(op + ": shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " cannot be multiplied (" + n + "x" + k + " and " + k2 + "x" + m + ")");
        }
        int[] ba = java.util.Arrays.copyOf(a.shape, ra - 2), bb = java.util.Arrays.copyOf(b.shape, rb - 2);
        int[] batch;
        try {
            batch = Shapes.broadcast(op, ba, bb);
        } catch (ShapeMismatchException e) {
            throw new ShapeMismatchException(op + ": shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " cannot be multiplied: their batch dimensions " + Shapes.str(ba) + " and " + Shapes.str(bb)
                    + " cannot be broadcast together");
        }
        int nb = batch.length;
        int[] outShape = java.util.Arrays.copyOf(batch, nb + 2);
        outShape[nb] = n;
        outShape[nb + 1] = m;
        Tensor out = Tensor.allocate(a.backend, a.dtype, outShape);
        long[] sa = Shapes.broadcastStrides(ba, java.util.Arrays.copyOf(a.strides, ra - 2), batch);
        long[] sb = Shapes.broadcastStrides(bb, java.util.Arrays.copyOf(b.strides, rb - 2), batch);
        try {
            gemmBatches(a, b, out, batch, sa, sb, n, k, m);
        } catch (RuntimeException e) {
            out.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        }
        if (Record.needed(a, b)) {
            int[] as = a.shape, bs = b.shape;
            Record.node(out, node, (g, nd) -> {
                Tensor ga = null, gb = null;
                if (nd.needsInputGrad(0)) {
                    Tensor bt = ViewOps.transpose(nd.saved(1), -1, -2);
                    ga = Record.sumTo(batched(op, g, bt, node), as);
                }
                if (nd.needsInputGrad(1)) {
                    Tensor at = ViewOps.transpose(nd.saved(0), -1, -2);
                    gb = Record.sumTo(batched(op, at, g, node), bs);
                }
                return new Tensor[] {ga, gb};
            }, a, b, b.requiresGrad ? SavedTensor.input(a) : null, a.requiresGrad ? SavedTensor.input(b) : null);
        }
        return out;
    }

    /**
     * Issues the GEMM calls: one call for the innermost batch dimension, looping over the
     * outer batch dimensions (a single call covers everything when there is at most one).
     */
    private static void gemmBatches(Tensor a, Tensor b, Tensor out, int[] batch, long[] sa, long[] sb,
                                    int n, int k, int m) {
        int nb = batch.length;
        int ra = a.shape.length, rb = b.shape.length;
        long aRow = a.strides[ra - 2], aCol = a.strides[ra - 1];
        long bRow = b.strides[rb - 2], bCol = b.strides[rb - 1];
        int inner = nb == 0 ? 1 : batch[nb - 1];
        long innerA = nb == 0 ? 0 : sa[nb - 1], innerB = nb == 0 ? 0 : sb[nb - 1];
        long innerC = (long) n * m;
        long outer = 1;
        for (int i = 0; i < nb - 1; i++) outer *= batch[i];
        for (long o = 0; o < outer; o++) {
            long offA = a.offset, offB = b.offset, offC = out.offset + o * inner * innerC;
            long rem = o;
            for (int i = nb - 2; i >= 0; i--) {
                long idx = rem % batch[i];
                rem /= batch[i];
                offA += idx * sa[i];
                offB += idx * sb[i];
            }
            out.backend.gemm(a.dtype, new Gemm(inner, n, m, k, 1.0,
                    a.storage.segment(), offA, innerA, aRow, aCol,
                    b.storage.segment(), offB, innerB, bRow, bCol,
                    0.0, out.storage.segment(), offC, innerC, m, 1));
        }
    }
}
