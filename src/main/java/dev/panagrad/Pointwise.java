package dev.panagrad;

import dev.panagrad.backend.BinaryOp;
import dev.panagrad.backend.Iter;
import dev.panagrad.backend.UnaryOp;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Elementwise ops: dtype promotion, broadcasting, the kernel call, and each op's backward
 * formula. Backward formulas use the fused kernels ({@code TANH_BACKWARD}, ...) unless the
 * backward itself is being recorded (createGraph), where they are spelled out in
 * differentiable ops so second derivatives come out right.
 */
final class Pointwise {
    private Pointwise() {}

    // ---------------------------------------------------------------- dtype rules

    /** PyTorch's result type of two tensors: dimensioned operands win over 0-d ones within a category. */
    static DType resultType(Tensor a, Tensor b) {
        if (a.dtype == b.dtype) return a.dtype;
        boolean a0 = a.shape.length == 0, b0 = b.shape.length == 0;
        if (a0 == b0) return DType.promote(a.dtype, b.dtype);
        Tensor dimd = a0 ? b : a, zero = a0 ? a : b;
        return category(zero.dtype) > category(dimd.dtype) ? zero.dtype : dimd.dtype;
    }

    /** The result type of a tensor with a Python scalar. */
    static DType resultType(Tensor a, boolean integralScalar) {
        if (integralScalar) return a.dtype == DType.BOOL ? DType.INT64 : a.dtype;
        return a.dtype.isFloatingPoint() ? a.dtype : DType.FLOAT32;
    }

    private static int category(DType d) {
        return d == DType.BOOL ? 0 : d == DType.INT64 ? 1 : 2;
    }

    /** Float ops on integer input compute in float32. */
    private static DType floatType(DType d) {
        return d.isFloatingPoint() ? d : DType.FLOAT32;
    }

    private static boolean keepsIntegers(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, SQUARE, RELU, SIGN, CLAMP -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- kernel plumbing

    static void checkSameDevice(String op, Tensor a, Tensor b) {
        if (a.backend != b.backend) {
            throw new DeviceMismatchException(op + ": expected all tensors on the same device, got " + a.device()
                    + " and " + b.device() + "; move one with to(Device)");
        }
    }

    /** {@code t} converted to {@code dt} (a temporary copy) or itself. */
    static Tensor as(Tensor t, DType dt) {
        return t.dtype == dt ? t : castRaw(t, dt);
    }

    private static void releaseIfTemp(Tensor temp, Tensor original) {
        if (temp != original) temp.release(Tensor.RELEASED_BY_SCOPE);
    }

    static Iter iter2(Tensor out, Tensor a) {
        if (a.shape == out.shape || Arrays.equals(a.shape, out.shape)) {
            if (out.isContiguous() && a.isContiguous()) {
                return Iter.contiguous(out.numel, new MemorySegment[] {out.storage.segment(), a.storage.segment()},
                        new long[] {out.offset, a.offset});
            }
            return Iter.of(out.shape, new MemorySegment[] {out.storage.segment(), a.storage.segment()},
                    new long[] {out.offset, a.offset}, new long[][] {out.strides, a.strides});
        }
        return Iter.of(out.shape, new MemorySegment[] {out.storage.segment(), a.storage.segment()},
                new long[] {out.offset, a.offset},
                new long[][] {out.strides, Shapes.broadcastStrides(a.shape, a.strides, out.shape)});
    }

    static Iter iter3(Tensor out, Tensor a, Tensor b) {
        MemorySegment[] segs = {out.storage.segment(), a.storage.segment(), b.storage.segment()};
        long[] offs = {out.offset, a.offset, b.offset};
        if (Arrays.equals(a.shape, out.shape) && Arrays.equals(b.shape, out.shape)
                && out.isContiguous() && a.isContiguous() && b.isContiguous()) {
            return Iter.contiguous(out.numel, segs, offs);
        }
        return Iter.of(out.shape, segs, offs, new long[][] {out.strides,
                Shapes.broadcastStrides(a.shape, a.strides, out.shape),
                Shapes.broadcastStrides(b.shape, b.strides, out.shape)});
    }

    /** Kernel-only unary into a new tensor (no autograd, no checks beyond dtype). */
    static Tensor unaryRaw(UnaryOp op, Tensor x, DType dt, double p0, double p1) {
        Tensor in = as(x, dt);
        Tensor out = in.allocateLike(dt);
        try {
            x.backend.unary(op, dt, iter2(out, in), p0, p1);
        } catch (RuntimeException e) {
            out.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            releaseIfTemp(in, x);
        }
        return out;
    }

    /** Kernel-only binary op computing in {@code dt} (comparisons give bool). */
    static Tensor binaryRaw(String name, BinaryOp op, Tensor a, Tensor b, DType dt) {
        int[] shape = Shapes.broadcast(name, a.shape, b.shape);
        Tensor ca = as(a, dt), cb = as(b, dt);
        DType outType = op.isComparison() ? DType.BOOL : dt;
        Tensor out = allocateResult(ca, cb, shape, outType);
        try {
            a.backend.binary(op, dt, iter3(out, ca, cb));
        } catch (RuntimeException e) {
            out.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            releaseIfTemp(ca, a);
            releaseIfTemp(cb, b);
        }
        return out;
    }

    private static Tensor allocateResult(Tensor a, Tensor b, int[] shape, DType dt) {
        if (shape == a.shape && a.isContiguous()) return a.allocateLike(dt);
        if (shape == b.shape && b.isContiguous()) return b.allocateLike(dt);
        return Tensor.allocate(a.backend, dt, shape);
    }

    /** Kernel-only tensor-scalar op in {@code dt}. */
    static Tensor scalarRaw(BinaryOp op, Tensor a, double s, boolean scalarFirst, DType dt) {
        Tensor ca = as(a, dt);
        Tensor out = ca.allocateLike(op.isComparison() ? DType.BOOL : dt);
        try {
            a.backend.binaryScalar(op, dt, iter2(out, ca), s, scalarFirst);
        } catch (RuntimeException e) {
            out.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            releaseIfTemp(ca, a);
        }
        return out;
    }

    /** Converting copy into a new contiguous tensor (no autograd). */
    static Tensor castRaw(Tensor x, DType dt) {
        Tensor out = x.allocateLike(dt);
        x.backend.copy(iter2(out, x), dt, x.dtype);
        return out;
    }

    // ---------------------------------------------------------------- public ops

    static Tensor unary(String name, UnaryOp op, Tensor x) {
        x.checkAlive(name);
        DType dt = keepsIntegers(op) ? x.dtype : floatType(x.dtype);
        if (x.dtype == DType.BOOL && op == UnaryOp.NEG) {
            throw new DTypeMismatchException(name + ": negation of a bool tensor is not supported; use logical ops or convert with to(DType.INT64)");
        }
        Tensor out = unaryRaw(op, x, dt, 0, 0);
        if (Record.needed(x)) recordUnary(name, op, x, out, 0);
        return out;
    }

    private static String nodeName(String name) {
        return switch (name) {
            case "neg" -> "NegBackward0";
            case "exp" -> "ExpBackward0";
            case "log" -> "LogBackward0";
            case "sqrt" -> "SqrtBackward0";
            case "rsqrt" -> "RsqrtBackward0";
            case "abs" -> "AbsBackward0";
            case "sin" -> "SinBackward0";
            case "cos" -> "CosBackward0";
            case "tanh" -> "TanhBackward0";
            case "sigmoid" -> "SigmoidBackward0";
            case "relu" -> "ReluBackward0";
            case "gelu" -> "GeluBackward0";
            case "silu" -> "SiluBackward0";
            case "reciprocal" -> "ReciprocalBackward0";
            case "square" -> "PowBackward0";
            case "sign" -> "SignBackward0";
            case "erf" -> "ErfBackward0";
            default -> Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Backward0";
        };
    }

    /** Records the node of a unary op; {@code p} is the scalar parameter where there is one. */
    static void recordUnary(String name, UnaryOp op, Tensor x, Tensor out, double p) {
        String node = nodeName(name);
        switch (op) {
            case NEG -> Record.node(out, node, (g, n) -> new Tensor[] {g.neg()}, x);
            case EXP -> Record.node(out, node, (g, n) -> new Tensor[] {g.mul(n.saved(0))}, x, SavedTensor.output(out));
            case LOG -> Record.node(out, node, (g, n) -> new Tensor[] {g.div(n.saved(0))}, x, SavedTensor.input(x));
            case SQRT -> Record.node(out, node, (g, n) -> new Tensor[] {g.div(n.saved(0).mul(2.0))}, x, SavedTensor.output(out));
            case RSQRT -> Record.node(out, node, (g, n) -> {
                Tensor y = n.saved(0);
                return new Tensor[] {g.mul(y.pow(3L)).mul(-0.5)};
            }, x, SavedTensor.output(out));
            case ABS -> Record.node(out, node, (g, n) -> new Tensor[] {g.mul(n.saved(0).sign())}, x, SavedTensor.input(x));
            case SIN -> Record.node(out, node, (g, n) -> new Tensor[] {g.mul(n.saved(0).cos())}, x, SavedTensor.input(x));
            case COS -> Record.node(out, node, (g, n) -> new Tensor[] {g.mul(n.saved(0).sin()).neg()}, x, SavedTensor.input(x));
            case TANH -> Record.node(out, node, (g, n) -> new Tensor[] {
                    fusedOr(BinaryOp.TANH_BACKWARD, g, n.saved(0), () -> g.mul(n.saved(0).square().rsub(1.0)))},
                    x, SavedTensor.output(out));
            case SIGMOID -> Record.node(out, node, (g, n) -> new Tensor[] {
                    fusedOr(BinaryOp.SIGMOID_BACKWARD, g, n.saved(0), () -> {
                        Tensor y = n.saved(0);
                        return g.mul(y).mul(y.rsub(1.0));
                    })}, x, SavedTensor.output(out));
            case RELU -> Record.node(out, node, (g, n) -> new Tensor[] {
                    fusedOr(BinaryOp.RELU_BACKWARD, g, n.saved(0), () -> g.mul(n.saved(0).gt(0.0)))},
                    x, SavedTensor.output(out));
            case GELU -> Record.node(out, node, (g, n) -> new Tensor[] {
                    fusedOr(BinaryOp.GELU_BACKWARD, g, n.saved(0), () -> {
                        Tensor v = n.saved(0);
                        Tensor cdf = v.mul(0.7071067811865476).erf().add(1.0).mul(0.5);
                        Tensor pdf = v.square().mul(-0.5).exp().mul(0.3989422804014327);
                        return g.mul(cdf.add(v.mul(pdf)));
                    })}, x, SavedTensor.input(x));
            case SILU -> Record.node(out, node, (g, n) -> new Tensor[] {
                    fusedOr(BinaryOp.SILU_BACKWARD, g, n.saved(0), () -> {
                        Tensor v = n.saved(0);
                        Tensor s = v.sigmoid();
                        return g.mul(s).mul(v.mul(s.rsub(1.0)).add(1.0));
                    })}, x, SavedTensor.input(x));
            case RECIPROCAL -> Record.node(out, node, (g, n) -> new Tensor[] {g.mul(n.saved(0).square()).neg()},
                    x, SavedTensor.output(out));
            case SQUARE -> Record.node(out, node, (g, n) -> new Tensor[] {g.mul(n.saved(0)).mul(2.0)}, x, SavedTensor.input(x));
            case SIGN -> Record.node(out, node, (g, n) -> new Tensor[] {g.zerosLike()}, x);
            case ERF -> Record.node(out, node, (g, n) -> new Tensor[] {
                    g.mul(n.saved(0).square().neg().exp().mul(1.1283791670955126))}, x, SavedTensor.input(x));
            case POW_SCALAR -> Record.node(out, "PowBackward0", (g, n) -> {
                if (p == 0) return new Tensor[] {g.zerosLike()};
                return new Tensor[] {g.mul(n.saved(0).pow(p - 1)).mul(p)};
            }, x, SavedTensor.input(x));
            case CLAMP -> throw new AssertionError("clamp records its own node");
            case INF_TO_ZERO -> throw new AssertionError("not differentiable");
        }
    }

    /** The fused backward kernel when not recording, else the differentiable formula. */
    private static Tensor fusedOr(BinaryOp fused, Tensor g, Tensor saved, java.util.function.Supplier<Tensor> formula) {
        if (Record.recording()) return formula.get();
        return binaryRaw("backward", fused, g, saved, g.dtype);
    }

    static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
        a.checkAlive(name);
        b.checkAlive(name);
        checkSameDevice(name, a, b);
        DType dt = resultType(a, b);
        if (op == BinaryOp.DIV) dt = floatType(dt);
        if (dt == DType.BOOL && op == BinaryOp.SUB) {
            throw new DTypeMismatchException("sub: subtraction of bool tensors is not supported; use logical ops or convert with to(DType.INT64)");
        }
        Tensor out = binaryRaw(name, op, a, b, dt);
        if (!op.isComparison() && Record.needed(a, b)) recordBinary(op, a, b, out);
        return out;
    }

    private static void recordBinary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        int[] as = a.shape, bs = b.shape;
        switch (op) {
            case ADD -> Record.node(out, "AddBackward0", (g, n) -> new Tensor[] {
                    n.needsInputGrad(0) ? Record.sumTo(g, as) : null,
                    n.needsInputGrad(1) ? Record.sumTo(g, bs) : null}, a, b);
            case SUB -> Record.node(out, "SubBackward0", (g, n) -> new Tensor[] {
                    n.needsInputGrad(0) ? Record.sumTo(g, as) : null,
                    n.needsInputGrad(1) ? Record.sumTo(g.neg(), bs) : null}, a, b);
            case MUL -> Record.node(out, "MulBackward0", (g, n) -> new Tensor[] {
                    n.needsInputGrad(0) ? Record.sumTo(g.mul(n.saved(1)), as) : null,
                    n.needsInputGrad(1) ? Record.sumTo(g.mul(n.saved(0)), bs) : null}, a, b,
                    b.requiresGrad ? SavedTensor.input(a) : null, a.requiresGrad ? SavedTensor.input(b) : null);
            case DIV -> Record.node(out, "DivBackward0", (g, n) -> {
                Tensor bb = n.saved(1);
                Tensor ga = n.needsInputGrad(0) ? Record.sumTo(g.div(bb), as) : null;
                Tensor gb = n.needsInputGrad(1) ? Record.sumTo(g.mul(n.saved(0)).div(bb.square()).neg(), bs) : null;
                return new Tensor[] {ga, gb};
            }, a, b, b.requiresGrad ? SavedTensor.input(a) : null, SavedTensor.input(b));
            case POW -> Record.node(out, "PowBackward1", (g, n) -> {
                Tensor base = n.saved(0), e = n.saved(1);
                Tensor ga = null, gb = null;
                if (n.needsInputGrad(0)) {
                    Tensor d = e.mul(base.pow(e.sub(1.0)));
                    ga = Record.sumTo(g.mul(where(e.eq(0.0), d.zerosLike(), d)), as);
                }
                if (n.needsInputGrad(1)) {
                    Tensor r = n.saved(2);
                    Tensor d = r.mul(base.log());
                    Tensor zeroBase = base.eq(0.0).logicalAnd(e.ge(0.0));
                    gb = Record.sumTo(g.mul(where(zeroBase, d.zerosLike(), d)), bs);
                }
                return new Tensor[] {ga, gb};
            }, a, b, SavedTensor.input(a), SavedTensor.input(b), b.requiresGrad ? SavedTensor.output(out) : null);
            case MAXIMUM, MINIMUM -> {
                boolean max = op == BinaryOp.MAXIMUM;
                Record.node(out, max ? "MaximumBackward0" : "MinimumBackward0", (g, n) -> {
                    Tensor x = n.saved(0), y = n.saved(1);
                    Tensor half = where(x.eq(y), g.mul(0.5), g);
                    Tensor ga = n.needsInputGrad(0)
                            ? Record.sumTo(where(max ? x.lt(y) : x.gt(y), half.zerosLike(), half), as) : null;
                    Tensor gb = n.needsInputGrad(1)
                            ? Record.sumTo(where(max ? x.gt(y) : x.lt(y), half.zerosLike(), half), bs) : null;
                    return new Tensor[] {ga, gb};
                }, a, b, SavedTensor.input(a), SavedTensor.input(b));
            }
            case REMAINDER -> Record.node(out, "RemainderBackward1", (g, n) -> {
                Tensor ga = n.needsInputGrad(0) ? Record.sumTo(g, as) : null;
                Tensor gb = null;
                if (n.needsInputGrad(1)) {
                    Tensor x = n.saved(0), y = n.saved(1);
                    Tensor quotient = x.sub(n.saved(2)).div(y); // floor(x / y)
                    gb = Record.sumTo(g.mul(quotient).neg(), bs);
                }
                return new Tensor[] {ga, gb};
            }, a, b, b.requiresGrad ? SavedTensor.input(a) : null, b.requiresGrad ? SavedTensor.input(b) : null,
                    b.requiresGrad ? SavedTensor.output(out) : null);
            default -> throw new AssertionError(op + " has no gradient");
        }
    }

    /** {@code a + alpha * b}. */
    static Tensor addScaled(Tensor a, Tensor b, double alpha) {
        if (alpha == 1) return binary("add", BinaryOp.ADD, a, b);
        if (alpha == -1) return binary("sub", BinaryOp.SUB, a, b);
        b.checkAlive("add");
        Tensor scaled = b.mul(alpha);
        try {
            return binary("add", BinaryOp.ADD, a, scaled);
        } finally {
            if (!Record.needed(a, scaled)) scaled.release(Tensor.RELEASED_BY_SCOPE);
        }
    }

    static Tensor scalarOp(String name, BinaryOp op, Tensor a, double s, boolean integral, boolean scalarFirst) {
        a.checkAlive(name);
        DType dt = resultType(a, integral);
        if (op == BinaryOp.DIV) dt = floatType(dt);
        if (op.isComparison()) dt = a.dtype; // the int64 and bool kernels compare against the scalar in double
        if (dt == DType.BOOL && op == BinaryOp.SUB) {
            throw new DTypeMismatchException(name + ": subtraction with a bool tensor is not supported; convert with to(DType.INT64)");
        }
        Tensor out = scalarRaw(op, a, s, scalarFirst, dt);
        if (!op.isComparison() && Record.needed(a)) {
            switch (op) {
                case ADD -> Record.node(out, "AddBackward0", (g, n) -> new Tensor[] {g}, a);
                case SUB -> Record.node(out, scalarFirst ? "RsubBackward1" : "SubBackward0",
                        (g, n) -> new Tensor[] {scalarFirst ? g.neg() : g}, a);
                case MUL -> Record.node(out, "MulBackward0", (g, n) -> new Tensor[] {g.mul(s)}, a);
                case DIV -> {
                    if (scalarFirst) {
                        Record.node(out, "MulBackward0", (g, n) -> { // PyTorch computes s / x as reciprocal(x) * s
                            Tensor y = n.saved(0);
                            return new Tensor[] {g.mul(y.square()).mul(-1.0 / s)};
                        }, a, SavedTensor.output(out));
                    } else {
                        Record.node(out, "DivBackward0", (g, n) -> new Tensor[] {g.div(s)}, a);
                    }
                }
                case REMAINDER -> Record.node(out, "RemainderBackward0", (g, n) -> new Tensor[] {g}, a);
                default -> throw new AssertionError(op + " with a scalar has no gradient here");
            }
        }
        return out;
    }

    static Tensor powScalar(Tensor x, double p, boolean integral) {
        x.checkAlive("pow");
        if (x.dtype == DType.INT64 && integral && p < 0) {
            throw new IllegalArgumentException("pow: integers to negative integer powers are not allowed; convert with to(DType.FLOAT32) first");
        }
        DType dt = resultType(x, integral);
        Tensor out;
        if (p == 2 && dt.isFloatingPoint()) out = unaryRaw(UnaryOp.SQUARE, x, dt, 0, 0);
        else if (p == 1) out = castRaw(x, dt);
        else out = unaryRaw(UnaryOp.POW_SCALAR, x, dt, p, 0);
        if (Record.needed(x)) recordUnary("pow", UnaryOp.POW_SCALAR, x, out, p);
        return out;
    }

    static Tensor clamp(Tensor x, double min, double max) {
        x.checkAlive("clamp");
        if (Double.isNaN(min) && Double.isNaN(max)) {
            throw new IllegalArgumentException("clamp: at least one of min and max must be given");
        }
        double lo = Double.isNaN(min) ? Double.NEGATIVE_INFINITY : min;
        double hi = Double.isNaN(max) ? Double.POSITIVE_INFINITY : max;
        DType dt = x.dtype == DType.BOOL ? DType.INT64 : x.dtype;
        Tensor out = unaryRaw(UnaryOp.CLAMP, x, dt, lo, hi);
        if (Record.needed(x)) {
            String name = Double.isNaN(max) ? "ClampMinBackward0" : Double.isNaN(min) ? "ClampMaxBackward0" : "ClampBackward1";
            Record.node(out, name, (g, n) -> {
                Tensor v = n.saved(0);
                Tensor inside = v.ge(lo).logicalAnd(v.le(hi));
                return new Tensor[] {where(inside, g, g.zerosLike())};
            }, x, SavedTensor.input(x));
        }
        return out;
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        cond.checkAlive("where");
        a.checkAlive("where");
        b.checkAlive("where");
        checkSameDevice("where", a, b);
        checkSameDevice("where", cond, a);
        if (cond.dtype != DType.BOOL) {
            throw new DTypeMismatchException("where: the condition must be a bool tensor, got " + cond.dtype.pyName()
                    + "; build it with a comparison such as x.gt(0)");
        }
        DType dt = resultType(a, b);
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape, a.shape), b.shape);
        Tensor ca = as(a, dt), cb = as(b, dt);
        Tensor out = Tensor.allocate(a.backend, dt, shape);
        try {
            MemorySegment[] segs = {out.storage.segment(), cond.storage.segment(), ca.storage.segment(), cb.storage.segment()};
            long[][] st = {out.strides, Shapes.broadcastStrides(cond.shape, cond.strides, shape),
                    Shapes.broadcastStrides(ca.shape, ca.strides, shape), Shapes.broadcastStrides(cb.shape, cb.strides, shape)};
            a.backend.where(dt, Iter.of(shape, segs, new long[] {out.offset, cond.offset, ca.offset, cb.offset}, st));
        } catch (RuntimeException e) {
            out.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            releaseIfTemp(ca, a);
            releaseIfTemp(cb, b);
        }
        if (Record.needed(a, b)) {
            int[] as = a.shape, bs = b.shape;
            Record.node(out, "WhereBackward0", (g, n) -> {
                Tensor c = n.saved(0);
                Tensor z = g.zerosLike();
                return new Tensor[] {
                        n.needsInputGrad(0) ? Record.sumTo(where(c, g, z), as) : null,
                        n.needsInputGrad(1) ? Record.sumTo(where(c, z, g), bs) : null};
            }, a, b, SavedTensor.input(cond));
        }
        return out;
    }

    static Tensor whereScalar(Tensor cond, Tensor a, double b) {
        Tensor sb = Creation.full(a.dtype, b, Shapes.SCALAR, "where");
        try {
            return where(cond, a, sb);
        } finally {
            sb.release(Tensor.RELEASED_BY_SCOPE);
        }
    }

    static Tensor logicalAnd(Tensor a, Tensor b) {
        Tensor ba = as(a, DType.BOOL), bb = as(b, DType.BOOL);
        try {
            return binaryRaw("logicalAnd", BinaryOp.MUL, ba, bb, DType.BOOL);
        } finally {
            releaseIfTemp(ba, a);
            releaseIfTemp(bb, b);
        }
    }

    static Tensor logicalOr(Tensor a, Tensor b) {
        Tensor ba = as(a, DType.BOOL), bb = as(b, DType.BOOL);
        try {
            return binaryRaw("logicalOr", BinaryOp.ADD, ba, bb, DType.BOOL);
        } finally {
            releaseIfTemp(ba, a);
            releaseIfTemp(bb, b);
        }
    }

    static Tensor cast(Tensor x, DType dt) {
        x.checkAlive("to");
        if (x.dtype == dt) return x;
        Tensor out = castRaw(x, dt);
        if (dt.isFloatingPoint() && Record.needed(x)) {
            DType from = x.dtype;
            Record.node(out, "ToCopyBackward0", (g, n) -> new Tensor[] {g.to(from)}, x);
        }
        return out;
    }
}
