package dev.panagrad;

import dev.panagrad.backend.BinaryOp;
import dev.panagrad.backend.Iter;
import dev.panagrad.backend.UnaryOp;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * In-place ops ({@code add_}, {@code mul_}, {@code copy_}, ...). Each one checks everything
 * before writing (shape fits, dtype castable, not a leaf that requires grad, no overlapping
 * writes), then writes, bumps the storage's version counter (except in inference mode),
 * and rewrites the graph: the tensor's grad_fn becomes the op's node, or, for a view of a
 * tensor in the graph, the base gets a {@link CopySlices} node.
 */
final class InPlace {
    private InPlace() {}

    /** The node formula of an in-place op, built after the write (saved tensors were taken before it where needed). */
    @FunctionalInterface
    private interface NodeMaker {
        Node make(Node selfEdge, Node otherEdge);
    }

    private static void checkWritable(String op, Tensor self) {
        self.checkAlive(op);
        for (int d = 0; d < self.shape.length; d++) {
            if (self.strides[d] == 0 && self.shape[d] > 1) {
                throw new IllegalStateException(op + ": unsupported operation: more than one element of the written-to "
                        + "tensor (shape " + Shapes.str(self.shape) + ", an expanded view) refers to a single memory "
                        + "location. Please clone() the tensor before performing the operation");
            }
        }
        if (!ThreadState.get().recording()) return;
        if (self.requiresGrad && self.gradFn == null) {
            throw new AutogradException(AutogradException.Kind.LEAF_INPLACE,
                    op + ": a leaf tensor that requires grad is being used in an in-place operation. Do it inside "
                            + "GradMode.noGrad() (as an optimizer step does), or on a clone()");
        }
        Tensor base = self.viewBase;
        if (base != null && base.requiresGrad && base.gradFn == null) {
            throw new AutogradException(AutogradException.Kind.LEAF_INPLACE,
                    op + ": a view of a leaf tensor that requires grad is being used in an in-place operation. "
                            + "Do it inside GradMode.noGrad(), or on a clone() of the leaf");
        }
    }

    private static void checkCastable(String op, DType result, DType self) {
        boolean ok = result == self
                || (self.isFloatingPoint())
                || (self == DType.INT64 && result == DType.BOOL);
        if (!ok) {
            throw new DTypeMismatchException(op + ": result type " + result.pyName() + " can't be cast to the desired "
                    + "output type " + self.pyName() + "; convert the tensor with to(" + result.pyName() + ") first");
        }
    }

    private static void checkFits(String op, Tensor self, int[] otherShape) {
        int[] b = Shapes.broadcast(op, self.shape, otherShape);
        if (!Arrays.equals(b, self.shape)) {
            throw new ShapeMismatchException(op + ": output with shape " + Shapes.str(self.shape)
                    + " doesn't match the broadcast shape " + Shapes.str(b) + " (other operand " + Shapes.str(otherShape) + ")");
        }
    }

    /** {@code other} ready to read while {@code self} is written: cast to self's dtype, copied if it overlaps differently. */
    private static Tensor readable(Tensor self, Tensor other) {
        if (other.dtype != self.dtype) return Pointwise.castRaw(other, self.dtype);
        if (other.storage == self.storage && (other.offset != self.offset || !Arrays.equals(other.strides, self.strides)
                || !Arrays.equals(other.shape, self.shape))) {
            Tensor c = Tensor.allocate(other.backend, other.dtype, other.shape);
            other.backend.copy(Pointwise.iter2(c, other), other.dtype, other.dtype);
            return c;
        }
        return other;
    }

    private static void bump(Tensor self) {
        if (!ThreadState.get().inferenceMode) self.storage.bumpVersion();
    }

    /** Whether the write must be recorded in the graph (then backward state is saved before it). */
    private static boolean willRecord(Tensor self, Tensor other) {
        if (!ThreadState.get().recording() || !self.dtype.isFloatingPoint()) return false;
        return self.requiresGrad || (other != null && other.requiresGrad) || viaBase(self, other);
    }

    private static boolean viaBase(Tensor self, Tensor other) {
        Tensor base = self.viewBase;
        return base != null && (base.requiresGrad || self.requiresGrad || (other != null && other.requiresGrad))
                && !base.isReleased() && base.dtype.isFloatingPoint();
    }

    /** Wires the op's node into the graph after the write. */
    private static void rewrite(Tensor self, Tensor other, NodeMaker maker) {
        if (!willRecord(self, other)) return;
        Tensor base = self.viewBase;
        boolean viaBase = viaBase(self, other);
        Node otherEdge = other == null ? null : other.gradEdge();
        if (viaBase) {
            if (!base.isContiguous()) {
                throw new UnsupportedOperationException("in-place op on a view of a non-contiguous tensor that requires "
                        + "grad; clone() the base first");
            }
            Node fn = maker.make(self.gradEdge(), otherEdge);
            CopySlices cs = new CopySlices(base.gradEdge(), fn, base.shape, self.shape, self.strides,
                    self.offset - base.offset);
            Record.attach(base, cs);
            int[] bs = base.shape, vs = self.shape;
            long[] vst = self.strides;
            long voff = self.offset - base.offset;
            Record.attach(self, new FnNode("AsStridedBackward0", new Node[] {cs},
                    (g, n) -> new Tensor[] {scatterView(g, bs, vs, vst, voff)}, null));
            return;
        }
        Record.attach(self, maker.make(self.gradEdge(), otherEdge));
    }

    /** zeros(baseShape) with g written at the view's place. */
    static Tensor scatterView(Tensor g, int[] baseShape, int[] viewShape, long[] viewStrides, long viewOffset) {
        Tensor out = Creation.full(g.dtype, 0, baseShape, "asStridedBackward");
        Tensor region = out.view(viewShape, viewStrides, out.offset + viewOffset);
        try {
            out.backend.copy(Pointwise.iter2(region, g), g.dtype, g.dtype);
        } finally {
            region.release(Tensor.RELEASED_BY_SCOPE);
        }
        return out;
    }

    private static Iter selfIter(Tensor self, Tensor other) {
        MemorySegment s = self.storage.segment();
        if (other == null) {
            return Iter.of(self.shape, new MemorySegment[] {s, s}, new long[] {self.offset, self.offset},
                    new long[][] {self.strides, self.strides});
        }
        return Iter.of(self.shape, new MemorySegment[] {s, s, other.storage.segment()},
                new long[] {self.offset, self.offset, other.offset},
                new long[][] {self.strides, self.strides, Shapes.broadcastStrides(other.shape, other.strides, self.shape)});
    }

    static Tensor binary(String name, BinaryOp op, Tensor self, Tensor other, double alpha) {
        checkWritable(name, self);
        other.checkAlive(name);
        Pointwise.checkSameDevice(name, self, other);
        DType rt = Pointwise.resultType(self, other);
        if (op == BinaryOp.DIV && !rt.isFloatingPoint()) rt = DType.FLOAT32;
        checkCastable(name, rt, self.dtype);
        checkFits(name, self, other.shape);
        boolean rec = willRecord(self, other);
        // What backward will need of the old self, taken before the write.
        SavedTensor oldSelf = rec && op == BinaryOp.MUL && other.requiresGrad ? SavedTensor.input(ViewOps.cloneTensor(self)) : null;
        SavedTensor savedOther = rec && (op == BinaryOp.MUL || op == BinaryOp.DIV) ? SavedTensor.input(other) : null;
        Tensor o = readable(self, other);
        Tensor scaled = null;
        try {
            if (alpha != 1) {
                scaled = Pointwise.scalarRaw(BinaryOp.MUL, o, alpha, false, self.dtype);
            }
            Tensor src = scaled != null ? scaled : o;
            self.backend.binary(op, self.dtype, selfIter(self, src));
        } finally {
            if (scaled != null) scaled.release(Tensor.RELEASED_BY_SCOPE);
            if (o != other) o.release(Tensor.RELEASED_BY_SCOPE);
        }
        bump(self);
        int[] os = other.shape;
        rewrite(self, other, (selfEdge, otherEdge) -> switch (op) {
            case ADD, SUB -> new FnNode(op == BinaryOp.ADD && alpha >= 0 ? "AddBackward0" : "SubBackward0",
                    new Node[] {selfEdge, otherEdge}, (g, n) -> new Tensor[] {
                    g, n.needsInputGrad(1) ? Record.sumTo(op == BinaryOp.SUB ? g.mul(-alpha) : g.mul(alpha), os) : null}, null);
            case MUL -> new FnNode("MulBackward0", new Node[] {selfEdge, otherEdge}, (g, n) -> new Tensor[] {
                    n.needsInputGrad(0) ? g.mul(n.saved(0)) : null,
                    n.needsInputGrad(1) ? Record.sumTo(g.mul(n.saved(1)), os) : null},
                    new SavedTensor[] {savedOther, oldSelf});
            case DIV -> new FnNode("DivBackward0", new Node[] {selfEdge, otherEdge}, (g, n) -> {
                Tensor b = n.saved(0);
                return new Tensor[] {
                        n.needsInputGrad(0) ? g.div(b) : null,
                        n.needsInputGrad(1) ? Record.sumTo(g.mul(n.saved(1)).div(b).neg(), os) : null};
            }, new SavedTensor[] {savedOther, other.requiresGrad ? SavedTensor.output(self) : null});
            default -> throw new AssertionError(op + " in place has no gradient");
        });
        return self;
    }

    static Tensor scalar(String name, BinaryOp op, Tensor self, double s) {
        checkWritable(name, self);
        boolean integral = s == Math.rint(s) && !Double.isInfinite(s);
        if (!self.dtype.isFloatingPoint() && (op == BinaryOp.DIV || !integral)) {
            throw new DTypeMismatchException(name + ": result type float32 can't be cast to the desired output type "
                    + self.dtype.pyName() + "; convert the tensor with to(DType.FLOAT32) first");
        }
        self.backend.binaryScalar(op, self.dtype, selfIter(self, null), s, false);
        bump(self);
        rewrite(self, null, (selfEdge, unused) -> switch (op) {
            case ADD -> new FnNode("AddBackward0", new Node[] {selfEdge}, (g, n) -> new Tensor[] {g}, null);
            case SUB -> new FnNode("SubBackward0", new Node[] {selfEdge}, (g, n) -> new Tensor[] {g}, null);
            case MUL -> new FnNode("MulBackward0", new Node[] {selfEdge}, (g, n) -> new Tensor[] {g.mul(s)}, null);
            case DIV -> new FnNode("DivBackward0", new Node[] {selfEdge}, (g, n) -> new Tensor[] {g.div(s)}, null);
            default -> throw new AssertionError(op + " in place has no gradient");
        });
        return self;
    }

    static Tensor fill(String name, Tensor self, double v) {
        checkWritable(name, self);
        if (self.dtype == DType.INT64 && (v != Math.rint(v) || Double.isInfinite(v))) {
            throw new DTypeMismatchException(name + ": value " + v + " cannot be stored in an int64 tensor");
        }
        fillStrided(self, v);
        bump(self);
        rewrite(self, null, (selfEdge, unused) -> new FnNode(v == 0 && name.equals("zero_") ? "ZeroBackward0" : "FillBackward0",
                new Node[] {selfEdge}, (g, n) -> new Tensor[] {g.zerosLike()}, null));
        return self;
    }

    static void fillStrided(Tensor t, double v) {
        t.backend.fill(Iter.of(t.shape, new MemorySegment[] {t.storage.segment()}, new long[] {t.offset},
                new long[][] {t.strides}), t.dtype, v);
    }

    static Tensor copy(Tensor self, Tensor src) {
        checkWritable("copy_", self);
        src.checkAlive("copy_");
        Pointwise.checkSameDevice("copy_", self, src);
        checkFits("copy_", self, src.shape);
        Tensor s = src.storage == self.storage ? readable(self, src) : src;
        try {
            self.backend.copy(Iter.of(self.shape, new MemorySegment[] {self.storage.segment(), s.storage.segment()},
                    new long[] {self.offset, s.offset},
                    new long[][] {self.strides, Shapes.broadcastStrides(s.shape, s.strides, self.shape)}), self.dtype, s.dtype);
        } finally {
            if (s != src) s.release(Tensor.RELEASED_BY_SCOPE);
        }
        bump(self);
        int[] ss = src.shape;
        DType sdt = src.dtype;
        rewrite(self, src.dtype.isFloatingPoint() ? src : null, (selfEdge, srcEdge) -> new FnNode("CopyBackwards",
                new Node[] {selfEdge, srcEdge}, (g, n) -> new Tensor[] {
                n.needsInputGrad(0) ? g.zerosLike() : null,
                n.needsInputGrad(1) ? Record.sumTo(g, ss).to(sdt) : null}, null));
        return self;
    }

    static Tensor unary(String name, Tensor self, UnaryOp op, double p0, double p1) {
        checkWritable(name, self);
        boolean rec = willRecord(self, null);
        SavedTensor old = rec && op == UnaryOp.CLAMP ? SavedTensor.input(ViewOps.cloneTensor(self)) : null;
        double lo = Double.isNaN(p0) ? Double.NEGATIVE_INFINITY : p0, hi = Double.isNaN(p1) ? Double.POSITIVE_INFINITY : p1;
        self.backend.unary(op, self.dtype, selfIter(self, null), lo, hi);
        bump(self);
        rewrite(self, null, (selfEdge, unused) -> switch (op) {
            case RELU -> new FnNode("ReluBackward0", new Node[] {selfEdge}, (g, n) -> new Tensor[] {
                    Pointwise.binaryRaw("relu_", BinaryOp.RELU_BACKWARD, g, n.saved(0), g.dtype)},
                    new SavedTensor[] {SavedTensor.output(self)});
            case CLAMP -> new FnNode("ClampBackward1", new Node[] {selfEdge}, (g, n) -> {
                Tensor v = n.saved(0);
                return new Tensor[] {Tensor.where(v.ge(lo).logicalAnd(v.le(hi)), g, g.zerosLike())};
            }, new SavedTensor[] {old});
            default -> throw new AssertionError(op + " in place has no gradient");
        });
        return self;
    }
}
