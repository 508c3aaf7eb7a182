package dev.panagrad;

/** softmax and log_softmax along one dimension, numerically stable, with their gradients. */
final class SoftmaxOps {
    private SoftmaxOps() {}

    static Tensor softmax(Tensor x, int dim, boolean log) {
        String op = log ? "log_softmax" : "softmax";
        x.checkAlive(op);
        if (!x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException(op + ": expects a floating point tensor, got " + x.dtype.pyName()
                    + "; convert with to(DType.FLOAT32)");
        }
        int nd = x.shape.length;
        int d = Shapes.wrapDim(op, dim, nd);
        Tensor in = ViewOps.contiguous(x);
        Tensor out = Tensor.allocate(x.backend, x.dtype, x.shape);
        long outer = 1, inner = 1, size = nd == 0 ? 1 : x.shape[d];
        for (int i = 0; i < d; i++) outer *= x.shape[i];
        for (int i = d + 1; i < nd; i++) inner *= x.shape[i];
        try {
            x.backend.softmax(x.dtype, log, outer, size, inner, in.storage.segment(), in.offset,
                    out.storage.segment(), out.offset);
        } finally {
            if (in != x) in.release(Tensor.RELEASED_BY_SCOPE);
        }
        if (Record.needed(x)) {
            if (log) {
                Record.node(out, "LogSoftmaxBackward0", (g, n) -> {
                    Tensor y = n.saved(0);
                    return new Tensor[] {g.sub(y.exp().mul(g.sum(new int[] {d}, true)))};
                }, x, SavedTensor.output(out));
            } else {
                Record.node(out, "SoftmaxBackward0", (g, n) -> {
                    Tensor y = n.saved(0);
                    return new Tensor[] {y.mul(g.sub(g.mul(y).sum(new int[] {d}, true)))};
                }, x, SavedTensor.output(out));
            }
        }
        return out;
    }
}
