package dev.panagrad;

/**
 * softmax and log_softmax along one dimension, numerically stable, with their gradients: a
 * fused kernel each way; when the backward is itself recorded (createGraph) the gradient is
 * spelled out in differentiable ops instead.
 */
final class SoftmaxOps {
    private SoftmaxOps() {}

    static Tensor softmax(Tensor x, int dim, boolean log) {
        String op = log ? "log_softmax" : "softmax";
        x.checkAlive(op);
        if (!x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException(op + ": expects a floating point tensor, got " + x.dtype.pyName()
                    + "; convert with to(DType.FLOAT32)");
        }
        int d = Shapes.wrapDim(op, dim, x.shape.length);
        Tensor in = RawTensors.contiguous(x, x.dtype);
        Tensor out = Tensor.allocate(x.backend, x.dtype, x.shape);
        long[] odi = RawTensors.outerDimInner(x.shape, d);
        try {
            x.backend.softmax(x.dtype, log, odi[0], odi[1], odi[2], in.storage.segment(), in.offset,
                    out.storage.segment(), out.offset);
        } catch (RuntimeException e) {
            out.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            RawTensors.releaseTemp(in, x);
        }
        if (Record.needed(x)) {
            if (log) {
                Record.node(out, "LogSoftmaxBackward0", (g, n) -> {
                    Tensor y = n.saved(0);
                    if (Record.recording()) return new Tensor[] {g.sub(y.exp().mul(g.sum(new int[] {d}, true)))};
                    return new Tensor[] {backwardRaw(true, y, g, d)};
                }, x, SavedTensor.output(out));
            } else {
                Record.node(out, "SoftmaxBackward0", (g, n) -> {
                    Tensor y = n.saved(0);
                    if (Record.recording()) return new Tensor[] {y.mul(g.sub(g.mul(y).sum(new int[] {d}, true)))};
                    return new Tensor[] {backwardRaw(false, y, g, d)};
                }, x, SavedTensor.output(out));
            }
        }
        return out;
    }

    /** The fused gradient kernel (no autograd); {@code y} is the saved, contiguous output. */
    private static Tensor backwardRaw(boolean log, Tensor y, Tensor g, int d) {
        Tensor gc = RawTensors.contiguous(g, y.dtype);
        Tensor gx = Tensor.allocate(y.backend, y.dtype, y.shape);
        try {
            long[] odi = RawTensors.outerDimInner(y.shape, d);
            y.backend.softmaxBackward(y.dtype, log, odi[0], odi[1], odi[2], y.storage.segment(), y.offset,
                    gc.storage.segment(), gc.offset, gx.storage.segment(), gx.offset);
        } catch (RuntimeException e) {
            gx.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            RawTensors.releaseTemp(gc, g);
        }
        return gx;
    }
}
