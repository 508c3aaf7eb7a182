package dev.panagrad;

import dev.panagrad.backend.Backend;
import dev.panagrad.backend.BinaryOp;
import dev.panagrad.backend.UnaryOp;
import dev.panagrad.memory.Storage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An n-dimensional array in off-heap memory with PyTorch's semantics: a shape, strides and a
 * storage offset over a {@link Storage} that views share; an element type ({@link DType});
 * a device; and, when it requires grad, a place in the autograd graph.
 *
 * <p>Ops are methods named as in PyTorch in lowerCamelCase ({@code add}, {@code logSoftmax},
 * {@code requiresGrad_}); in-place variants keep the trailing underscore. Every op checks
 * its arguments first and throws a clear exception ({@link ShapeMismatchException},
 * {@link DTypeMismatchException}, {@link IndexOutOfBoundsException}, ...) without changing
 * any tensor.
 *
 * <p>Memory: a tensor created while a {@link Scope} is open is released when the scope
 * closes; otherwise by {@link #close()}. Using a released tensor throws
 * {@link IllegalStateException}; it never reads freed memory.
 */
public final class Tensor implements AutoCloseable {
    static final String RELEASED_BY_SCOPE = "its Scope closed";
    static final String RELEASED_BY_CLOSE = "close() was called on it";
    static final String RELEASED_BY_BACKWARD = "backward freed the graph's saved tensors";
    private static final boolean RECORD_RELEASE_SITES = Storage.LEAK_CHECK
            || Boolean.getBoolean("panagrad.debugRelease");

    static {
        dev.panagrad.internal.Internals.set(new InternalAccess());
    }

    final int[] shape;
    final long[] strides;
    final long offset;
    final DType dtype;
    final Storage storage;
    final Backend backend;
    final long numel;

    // Lifecycle.
    Scope scope;
    private boolean released;
    private String releasedBy;
    private Throwable releaseSite;

    // Autograd.
    boolean requiresGrad;
    Node gradFn;
    /** True when gradFn is a back-reference that must not keep the node alive (saved outputs). */
    boolean gradFnUncounted;
    Tensor grad;
    AccumulateGrad accumulator;
    boolean retainsGrad;
    /** The tensor this one is a view of (for in-place ops on views), or null. */
    Tensor viewBase;

    /** A tensor over {@code storage}, registered with the current scope (or the Cleaner if none). */
    Tensor(Storage storage, Backend backend, DType dtype, int[] shape, long[] strides, long offset) {
        this.storage = storage;
        this.backend = backend;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        long n = 1;
        for (int s : shape) n *= s;
        this.numel = n;
        Scope s = ThreadState.get().scope;
        if (s != null) s.add(this);
        else storage.watch();
    }

    /** A new contiguous tensor with uninitialised contents. */
    static Tensor allocate(Backend backend, DType dtype, int[] shape) {
        long n = Shapes.numel(shape);
        Storage st = Storage.allocate(backend.allocator(), n * dtype.byteSize(), false);
        return new Tensor(st, backend, dtype, shape, Shapes.contiguousStrides(shape), 0);
    }

    /** A new contiguous tensor shaped like this one (strides shared when this one is contiguous). */
    Tensor allocateLike(DType dt) {
        long[] st = isContiguous() ? strides : Shapes.contiguousStrides(shape);
        Storage s = Storage.allocate(backend.allocator(), numel * dt.byteSize(), false);
        return new Tensor(s, backend, dt, shape, st, 0);
    }

    /** A view over the same storage (no autograd wiring; callers add it). */
    Tensor view(int[] newShape, long[] newStrides, long newOffset) {
        storage.retain();
        Tensor v = new Tensor(storage, backend, dtype, newShape, newStrides, newOffset);
        v.viewBase = viewBase != null ? viewBase : this;
        return v;
    }

    /**
     * An alias for a saved tensor: same storage and layout, owned by the node that saves it
     * (not by any scope), keeping this tensor's autograd identity when {@code withGraph}.
     */
    Tensor savedAlias(boolean withGraph) {
        storage.retain();
        Tensor a = new Tensor(storage, backend, dtype, shape, strides, offset, false);
        if (withGraph && requiresGrad) {
            a.requiresGrad = true;
            if (gradFn != null) {
                a.gradFn = gradFn;
                a.gradFnUncounted = gradFnUncounted;
                if (!gradFnUncounted) gradFn.retainRef();
            } else {
                a.accumulator = accumulatorNode();
            }
        }
        a.viewBase = viewBase;
        return a;
    }

    /** Constructor for tensors owned by autograd internals: neither scoped nor watched. */
    private Tensor(Storage storage, Backend backend, DType dtype, int[] shape, long[] strides, long offset,
                   boolean unused) {
        this.storage = storage;
        this.backend = backend;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        long n = 1;
        for (int s : shape) n *= s;
        this.numel = n;
    }

    /** Re-attaches an op's node to its saved output (a back-reference, not counted). */
    void attachGradFn(Node node) {
        gradFn = node;
        gradFnUncounted = true;
        requiresGrad = true;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Releases this tensor's hold on its memory (and on its gradient, if it owns one). Views
     * keep their storage alive on their own. Releasing twice is harmless; using a released
     * tensor throws {@link IllegalStateException}.
     */
    @Override
    public void close() {
        release(RELEASED_BY_CLOSE);
    }

    void release(String reason) {
        if (released) return;
        released = true;
        releasedBy = reason;
        if (RECORD_RELEASE_SITES) releaseSite = new Throwable("released here");
        if (scope != null) scope = null;
        Node fn = gradFn;
        if (fn != null) {
            gradFn = null;
            if (!gradFnUncounted) fn.releaseRef();
        }
        Tensor g = grad;
        if (g != null) {
            grad = null;
            g.release(reason);
        }
        storage.release();
    }

    /**
     * Takes this tensor out of scope management: it survives every enclosing {@link Scope}
     * and lives until {@link #close()} (the garbage collector frees it as a last resort).
     * Modules use this for their parameters. Returns this tensor.
     */
    public Tensor keep() {
        checkAlive("keep");
        if (scope != null) {
            scope = null;
            storage.watch();
        }
        return this;
    }

    /** True once this tensor was released (by its scope or {@link #close()}). */
    public boolean isReleased() {
        return released;
    }

    void checkAlive(String op) {
        if (released) throw releasedError(op);
    }

    /** {@code name} itself or one of its nested classes (not merely a class whose name starts the same). */
    private static boolean isLifecycleClass(String className, String name) {
        return className.equals(name) || className.startsWith(name + "$");
    }

    private IllegalStateException releasedError(String op) {
        StringBuilder sb = new StringBuilder();
        sb.append(op).append(": the tensor of shape ").append(Shapes.str(shape)).append(" (").append(dtype.pyName())
                .append(") was released because ").append(releasedBy)
                .append("; it can no longer be used. Keep tensors you need after a scope with scope.keep(t)");
        if (releaseSite != null) {
            for (StackTraceElement e : releaseSite.getStackTrace()) {
                String c = e.getClassName();
                if (!isLifecycleClass(c, "dev.panagrad.Tensor") && !isLifecycleClass(c, "dev.panagrad.Scope")) {
                    sb.append(" (released at ").append(e).append(')');
                    break;
                }
            }
        } else {
            sb.append(" (run with -Dpanagrad.debugRelease=true to see where it was released)");
        }
        return new IllegalStateException(sb.toString());
    }

    // ------------------------------------------------------------------ properties

    /** The size of each dimension (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return shape[Shapes.wrapDim("size", dim, shape.length)];
    }

    /** The number of dimensions. */
    public int dim() {
        return shape.length;
    }

    /** The number of elements. */
    public long numel() {
        return numel;
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return backend.device();
    }

    /** Element strides of each dimension (a copy). */
    public long[] stride() {
        return strides.clone();
    }

    /** The element stride of dimension {@code dim}. */
    public long stride(int dim) {
        return strides[Shapes.wrapDim("stride", dim, shape.length)];
    }

    /** Offset of element 0 into the storage, in elements. */
    public long storageOffset() {
        return offset;
    }

    /** True when the elements lie in row-major order without gaps. */
    public boolean isContiguous() {
        return Shapes.isContiguous(shape, strides);
    }

    /** The count of in-place changes seen by this tensor's storage (PyTorch's {@code _version}). */
    public int version() {
        return storage.version();
    }

    /**
     * The memory of this tensor, zero-copy: a segment covering exactly its elements.
     * Requires a contiguous CPU tensor (call {@link #contiguous()} first otherwise). The
     * segment is valid while this tensor (or a view of it) is alive; once the memory is
     * released, accessing the segment throws {@link IllegalStateException}.
     */
    public MemorySegment segment() {
        checkAlive("segment");
        if (!isContiguous()) {
            throw new IllegalStateException("segment: the tensor is not contiguous (strides "
                    + java.util.Arrays.toString(strides) + "); call contiguous() first");
        }
        if (device().kind() != Device.Kind.CPU) {
            throw new IllegalStateException("segment: the tensor lives on " + device() + "; copy it with to(Device.CPU) first");
        }
        return storage.exposedSegment().asSlice(offset * dtype.byteSize(), numel * dtype.byteSize());
    }

    /**
     * Wraps existing memory as a tensor without copying (the memory stays the caller's: it
     * is never freed by panagrad and must outlive the tensor). The segment must hold
     * {@code numel * dtype.byteSize()} bytes, aligned to the element size.
     */
    public static Tensor fromSegment(MemorySegment segment, DType dtype, int... shape) {
        return Creation.fromSegment(segment, dtype, shape);
    }

    // ------------------------------------------------------------------ creation

    /** A float32 tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return Creation.full(DType.FLOAT32, 0, shape, "zeros");
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return Creation.full(dtype, 0, shape, "zeros");
    }

    /** A float32 tensor of ones. */
    public static Tensor ones(int... shape) {
        return Creation.full(DType.FLOAT32, 1, shape, "ones");
    }

    public static Tensor ones(DType dtype, int... shape) {
        return Creation.full(dtype, 1, shape, "ones");
    }

    /** A float32 tensor filled with {@code value}. */
    public static Tensor full(double value, int... shape) {
        return Creation.full(DType.FLOAT32, value, shape, "full");
    }

    public static Tensor full(DType dtype, double value, int... shape) {
        return Creation.full(dtype, value, shape, "full");
    }

    /** A float32 tensor with unspecified contents (fast: no fill). */
    public static Tensor empty(int... shape) {
        return Creation.empty(DType.FLOAT32, shape);
    }

    public static Tensor empty(DType dtype, int... shape) {
        return Creation.empty(dtype, shape);
    }

    /** zeros with this tensor's shape and dtype. */
    public Tensor zerosLike() {
        checkAlive("zerosLike");
        return Creation.full(dtype, 0, shape, "zerosLike");
    }

    /** ones with this tensor's shape and dtype. */
    public Tensor onesLike() {
        checkAlive("onesLike");
        return Creation.full(dtype, 1, shape, "onesLike");
    }

    /** int64 [0, 1, ..., end-1], as {@code torch.arange(end)}. */
    public static Tensor arange(long end) {
        return Creation.arange(DType.INT64, 0, end, 1);
    }

    /** int64 values from start to end (exclusive) by step. */
    public static Tensor arange(long start, long end, long step) {
        return Creation.arange(DType.INT64, start, end, step);
    }

    /** float32 values from start to end (exclusive) by step. */
    public static Tensor arange(double start, double end, double step) {
        return Creation.arange(DType.FLOAT32, start, end, step);
    }

    public static Tensor arange(DType dtype, double start, double end, double step) {
        return Creation.arange(dtype, start, end, step);
    }

    /** {@code steps} float32 values evenly spaced from start to end inclusive. */
    public static Tensor linspace(double start, double end, int steps) {
        return Creation.linspace(DType.FLOAT32, start, end, steps);
    }

    public static Tensor linspace(DType dtype, double start, double end, int steps) {
        return Creation.linspace(dtype, start, end, steps);
    }

    /** The n×n float32 identity. */
    public static Tensor eye(int n) {
        return Creation.eye(DType.FLOAT32, n, n);
    }

    public static Tensor eye(DType dtype, int n, int m) {
        return Creation.eye(dtype, n, m);
    }

    /** Uniform [0, 1) float32 from the default generator (see {@link #manualSeed}). */
    public static Tensor rand(int... shape) {
        return Creation.random(DType.FLOAT32, shape, false, 0, 1, Generator.DEFAULT, "rand");
    }

    public static Tensor rand(DType dtype, int... shape) {
        return Creation.random(dtype, shape, false, 0, 1, Generator.DEFAULT, "rand");
    }

    /** Standard normal float32 from the default generator. */
    public static Tensor randn(int... shape) {
        return Creation.random(DType.FLOAT32, shape, true, 0, 1, Generator.DEFAULT, "randn");
    }

    public static Tensor randn(DType dtype, int... shape) {
        return Creation.random(dtype, shape, true, 0, 1, Generator.DEFAULT, "randn");
    }

    /** Uniform [0, 1) from {@code gen}. */
    public static Tensor rand(Generator gen, DType dtype, int... shape) {
        return Creation.random(dtype, shape, false, 0, 1, gen, "rand");
    }

    /** Standard normal from {@code gen}. */
    public static Tensor randn(Generator gen, DType dtype, int... shape) {
        return Creation.random(dtype, shape, true, 0, 1, gen, "randn");
    }

    /** Uniform integers in [low, high) as int64. */
    public static Tensor randint(long low, long high, int... shape) {
        return Creation.randint(low, high, shape, Generator.DEFAULT);
    }

    /** Seeds the default generator: the same seed gives the same random tensors. */
    public static void manualSeed(long seed) {
        Generator.DEFAULT.manualSeed(seed);
    }

    /** A float32 tensor holding {@code data} in row-major order with the given shape (1-D if none). */
    public static Tensor of(float[] data, int... shape) {
        return Creation.fromArray(DType.FLOAT32, MemorySegment.ofArray(data), data.length, shape);
    }

    /** A float64 tensor holding {@code data}. */
    public static Tensor of(double[] data, int... shape) {
        return Creation.fromArray(DType.FLOAT64, MemorySegment.ofArray(data), data.length, shape);
    }

    /** An int64 tensor holding {@code data}. */
    public static Tensor of(long[] data, int... shape) {
        return Creation.fromArray(DType.INT64, MemorySegment.ofArray(data), data.length, shape);
    }

    /** A bool tensor holding {@code data}. */
    public static Tensor of(boolean[] data, int... shape) {
        byte[] b = new byte[data.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (data[i] ? 1 : 0);
        return Creation.fromArray(DType.BOOL, MemorySegment.ofArray(b), b.length, shape);
    }

    /** A 0-dimensional float32 tensor. */
    public static Tensor scalar(double value) {
        return Creation.full(DType.FLOAT32, value, Shapes.SCALAR, "scalar");
    }

    /** A 0-dimensional tensor of the given dtype. */
    public static Tensor scalar(DType dtype, double value) {
        return Creation.full(dtype, value, Shapes.SCALAR, "scalar");
    }

    // ------------------------------------------------------------------ export

    /** The single value of a one-element tensor, widened to double. */
    public double item() {
        checkAlive("item");
        if (numel != 1) {
            throw new IllegalStateException("item: only a tensor with one element can be converted to a number, "
                    + "this one has shape " + Shapes.str(shape) + " (" + numel + " elements)");
        }
        return Creation.readDouble(this, 0);
    }

    /** The single value of a one-element int64 or bool tensor (exact). */
    public long itemLong() {
        checkAlive("itemLong");
        if (numel != 1) {
            throw new IllegalStateException("itemLong: only a tensor with one element can be converted to a number, "
                    + "this one has shape " + Shapes.str(shape));
        }
        return dtype == DType.INT64 ? storage.segment().getAtIndex(ValueLayout.JAVA_LONG, offset) : (long) item();
    }

    /** The elements in row-major order as float (converting from any dtype). */
    public float[] toFloatArray() {
        return (float[]) Creation.export(this, DType.FLOAT32, "toFloatArray");
    }

    /** The elements in row-major order as double. */
    public double[] toDoubleArray() {
        return (double[]) Creation.export(this, DType.FLOAT64, "toDoubleArray");
    }

    /** The elements in row-major order as long. */
    public long[] toLongArray() {
        return (long[]) Creation.export(this, DType.INT64, "toLongArray");
    }

    /** The elements in row-major order as boolean (non-zero is true). */
    public boolean[] toBooleanArray() {
        byte[] b = (byte[]) Creation.export(this, DType.BOOL, "toBooleanArray");
        boolean[] r = new boolean[b.length];
        for (int i = 0; i < b.length; i++) r[i] = b[i] != 0;
        return r;
    }

    // ------------------------------------------------------------------ conversion, copies

    /** This tensor converted to {@code dt} (itself if it already has that dtype). */
    public Tensor to(DType dt) {
        return Pointwise.cast(this, dt);
    }

    /** A contiguous tensor with the same values (itself if already contiguous). */
    public Tensor contiguous() {
        return ViewOps.contiguous(this);
    }

    /** A copy with its own storage; differentiable. */
    public Tensor clone() {
        return ViewOps.cloneTensor(this);
    }

    /** A new leaf sharing this tensor's storage, cut from the graph, not requiring grad. */
    public Tensor detach() {
        return AutogradOps.detach(this);
    }

    /** Detaches this tensor from the graph in place (it becomes a leaf not requiring grad). */
    public Tensor detach_() {
        return AutogradOps.detachInPlace(this);
    }

    // ------------------------------------------------------------------ elementwise

    public Tensor add(Tensor other) {
        return Pointwise.binary("add", BinaryOp.ADD, this, other);
    }

    /** {@code this + alpha * other}. */
    public Tensor add(Tensor other, double alpha) {
        return Pointwise.addScaled(this, other, alpha);
    }

    public Tensor add(double s) {
        return Pointwise.scalarOp("add", BinaryOp.ADD, this, s, false, false);
    }

    public Tensor add(long s) {
        return Pointwise.scalarOp("add", BinaryOp.ADD, this, s, true, false);
    }

    public Tensor sub(Tensor other) {
        return Pointwise.binary("sub", BinaryOp.SUB, this, other);
    }

    /** {@code this - alpha * other}. */
    public Tensor sub(Tensor other, double alpha) {
        return Pointwise.addScaled(this, other, -alpha);
    }

    public Tensor sub(double s) {
        return Pointwise.scalarOp("sub", BinaryOp.SUB, this, s, false, false);
    }

    public Tensor sub(long s) {
        return Pointwise.scalarOp("sub", BinaryOp.SUB, this, s, true, false);
    }

    /** {@code s - this}. */
    public Tensor rsub(double s) {
        return Pointwise.scalarOp("rsub", BinaryOp.SUB, this, s, false, true);
    }

    public Tensor mul(Tensor other) {
        return Pointwise.binary("mul", BinaryOp.MUL, this, other);
    }

    public Tensor mul(double s) {
        return Pointwise.scalarOp("mul", BinaryOp.MUL, this, s, false, false);
    }

    public Tensor mul(long s) {
        return Pointwise.scalarOp("mul", BinaryOp.MUL, this, s, true, false);
    }

    /** True division (integer tensors give float32, as in PyTorch). */
    public Tensor div(Tensor other) {
        return Pointwise.binary("div", BinaryOp.DIV, this, other);
    }

    public Tensor div(double s) {
        return Pointwise.scalarOp("div", BinaryOp.DIV, this, s, false, false);
    }

    /** {@code s / this}. */
    public Tensor rdiv(double s) {
        return Pointwise.scalarOp("rdiv", BinaryOp.DIV, this, s, false, true);
    }

    public Tensor pow(Tensor exponent) {
        return Pointwise.binary("pow", BinaryOp.POW, this, exponent);
    }

    public Tensor pow(double exponent) {
        return Pointwise.powScalar(this, exponent, false);
    }

    public Tensor pow(long exponent) {
        return Pointwise.powScalar(this, exponent, true);
    }

    /** {@code base ** exponent} for a scalar base (PyTorch's {@code torch.pow(2.0, x)}). */
    public static Tensor pow(double base, Tensor exponent) {
        return Pointwise.scalarOp("pow", BinaryOp.POW, exponent, base, false, true);
    }

    /** Python's {@code %}: the remainder with the sign of the divisor. */
    public Tensor remainder(Tensor other) {
        return Pointwise.binary("remainder", BinaryOp.REMAINDER, this, other);
    }

    public Tensor remainder(double s) {
        return Pointwise.scalarOp("remainder", BinaryOp.REMAINDER, this, s, false, false);
    }

    public Tensor remainder(long s) {
        return Pointwise.scalarOp("remainder", BinaryOp.REMAINDER, this, s, true, false);
    }

    /** Elementwise maximum (NaN propagates). */
    public Tensor maximum(Tensor other) {
        return Pointwise.binary("maximum", BinaryOp.MAXIMUM, this, other);
    }

    /** Elementwise minimum (NaN propagates). */
    public Tensor minimum(Tensor other) {
        return Pointwise.binary("minimum", BinaryOp.MINIMUM, this, other);
    }

    public Tensor neg() {
        return Pointwise.unary("neg", UnaryOp.NEG, this);
    }

    public Tensor exp() {
        return Pointwise.unary("exp", UnaryOp.EXP, this);
    }

    public Tensor log() {
        return Pointwise.unary("log", UnaryOp.LOG, this);
    }

    public Tensor sqrt() {
        return Pointwise.unary("sqrt", UnaryOp.SQRT, this);
    }

    public Tensor rsqrt() {
        return Pointwise.unary("rsqrt", UnaryOp.RSQRT, this);
    }

    public Tensor abs() {
        return Pointwise.unary("abs", UnaryOp.ABS, this);
    }

    public Tensor sin() {
        return Pointwise.unary("sin", UnaryOp.SIN, this);
    }

    public Tensor cos() {
        return Pointwise.unary("cos", UnaryOp.COS, this);
    }

    public Tensor tanh() {
        return Pointwise.unary("tanh", UnaryOp.TANH, this);
    }

    public Tensor sigmoid() {
        return Pointwise.unary("sigmoid", UnaryOp.SIGMOID, this);
    }

    public Tensor relu() {
        return Pointwise.unary("relu", UnaryOp.RELU, this);
    }

    /** The exact (erf) GELU, PyTorch's default. */
    public Tensor gelu() {
        return Pointwise.unary("gelu", UnaryOp.GELU, this);
    }

    /**
     * GELU with PyTorch's {@code approximate} argument: {@code "none"} (the exact erf form) or
     * {@code "tanh"} ({@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}).
     */
    public Tensor gelu(String approximate) {
        return switch (approximate) {
            case "none" -> gelu();
            case "tanh" -> Pointwise.geluTanh(this);
            default -> throw new IllegalArgumentException("gelu: approximate must be \"none\" or \"tanh\", got \""
                    + approximate + "\"");
        };
    }

    /** x * sigmoid(x). */
    public Tensor silu() {
        return Pointwise.unary("silu", UnaryOp.SILU, this);
    }

    public Tensor reciprocal() {
        return Pointwise.unary("reciprocal", UnaryOp.RECIPROCAL, this);
    }

    public Tensor square() {
        return Pointwise.unary("square", UnaryOp.SQUARE, this);
    }

    public Tensor sign() {
        return Pointwise.unary("sign", UnaryOp.SIGN, this);
    }

    public Tensor erf() {
        return Pointwise.unary("erf", UnaryOp.ERF, this);
    }

    /** Limits values to [min, max]; pass NaN for a missing bound. */
    public Tensor clamp(double min, double max) {
        return Pointwise.clamp(this, min, max);
    }

    public Tensor clampMin(double min) {
        return Pointwise.clamp(this, min, Double.NaN);
    }

    public Tensor clampMax(double max) {
        return Pointwise.clamp(this, Double.NaN, max);
    }

    /** {@code condition ? a : b} elementwise, broadcasting all three. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Pointwise.where(condition, a, b);
    }

    /** {@code condition ? a : b} with a scalar for b. */
    public static Tensor where(Tensor condition, Tensor a, double b) {
        return Pointwise.whereScalar(condition, a, b);
    }

    /** Elementwise logical and (non-zero is true), giving bool. */
    public Tensor logicalAnd(Tensor other) {
        checkAlive("logicalAnd");
        other.checkAlive("logicalAnd");
        return Pointwise.logicalAnd(this, other);
    }

    /** Elementwise logical or, giving bool. */
    public Tensor logicalOr(Tensor other) {
        checkAlive("logicalOr");
        other.checkAlive("logicalOr");
        return Pointwise.logicalOr(this, other);
    }

    /** Elementwise logical not, giving bool. */
    public Tensor logicalNot() {
        checkAlive("logicalNot");
        return Pointwise.scalarOp("logicalNot", BinaryOp.EQ, this, 0, false, false);
    }

    // comparisons (bool results)

    public Tensor eq(Tensor other) {
        return Pointwise.binary("eq", BinaryOp.EQ, this, other);
    }

    public Tensor eq(double s) {
        return Pointwise.scalarOp("eq", BinaryOp.EQ, this, s, false, false);
    }

    public Tensor ne(Tensor other) {
        return Pointwise.binary("ne", BinaryOp.NE, this, other);
    }

    public Tensor ne(double s) {
        return Pointwise.scalarOp("ne", BinaryOp.NE, this, s, false, false);
    }

    public Tensor lt(Tensor other) {
        return Pointwise.binary("lt", BinaryOp.LT, this, other);
    }

    public Tensor lt(double s) {
        return Pointwise.scalarOp("lt", BinaryOp.LT, this, s, false, false);
    }

    public Tensor le(Tensor other) {
        return Pointwise.binary("le", BinaryOp.LE, this, other);
    }

    public Tensor le(double s) {
        return Pointwise.scalarOp("le", BinaryOp.LE, this, s, false, false);
    }

    public Tensor gt(Tensor other) {
        return Pointwise.binary("gt", BinaryOp.GT, this, other);
    }

    public Tensor gt(double s) {
        return Pointwise.scalarOp("gt", BinaryOp.GT, this, s, false, false);
    }

    public Tensor ge(Tensor other) {
        return Pointwise.binary("ge", BinaryOp.GE, this, other);
    }

    public Tensor ge(double s) {
        return Pointwise.scalarOp("ge", BinaryOp.GE, this, s, false, false);
    }

    // ------------------------------------------------------------------ in place

    /** {@code this += other} (broadcast into this tensor's shape). */
    public Tensor add_(Tensor other) {
        return InPlace.binary("add_", BinaryOp.ADD, this, other, 1);
    }

    /** {@code this += alpha * other}. */
    public Tensor add_(Tensor other, double alpha) {
        return InPlace.binary("add_", BinaryOp.ADD, this, other, alpha);
    }

    public Tensor add_(double s) {
        return InPlace.scalar("add_", BinaryOp.ADD, this, s);
    }

    public Tensor sub_(Tensor other) {
        return InPlace.binary("sub_", BinaryOp.SUB, this, other, 1);
    }

    /** {@code this -= alpha * other}. */
    public Tensor sub_(Tensor other, double alpha) {
        return InPlace.binary("sub_", BinaryOp.ADD, this, other, -alpha);
    }

    public Tensor sub_(double s) {
        return InPlace.scalar("sub_", BinaryOp.SUB, this, s);
    }

    public Tensor mul_(Tensor other) {
        return InPlace.binary("mul_", BinaryOp.MUL, this, other, 1);
    }

    public Tensor mul_(double s) {
        return InPlace.scalar("mul_", BinaryOp.MUL, this, s);
    }

    public Tensor div_(Tensor other) {
        return InPlace.binary("div_", BinaryOp.DIV, this, other, 1);
    }

    public Tensor div_(double s) {
        return InPlace.scalar("div_", BinaryOp.DIV, this, s);
    }

    /** Sets every element to zero. */
    public Tensor zero_() {
        return InPlace.fill("zero_", this, 0);
    }

    /** Sets every element to {@code value}. */
    public Tensor fill_(double value) {
        return InPlace.fill("fill_", this, value);
    }

    /** Copies {@code src} (broadcast, converted to this dtype) into this tensor. */
    public Tensor copy_(Tensor src) {
        return InPlace.copy(this, src);
    }

    public Tensor clamp_(double min, double max) {
        return InPlace.unary("clamp_", this, UnaryOp.CLAMP, min, max);
    }

    public Tensor relu_() {
        return InPlace.unary("relu_", this, UnaryOp.RELU, 0, 0);
    }

    // ------------------------------------------------------------------ reductions

    /** The sum of all elements (0-d). */
    public Tensor sum() {
        return Reductions.sum(this, null, false);
    }

    /** The sum over {@code dims} (dims removed). */
    public Tensor sum(int... dims) {
        return Reductions.sum(this, dims, false);
    }

    public Tensor sum(int[] dims, boolean keepdim) {
        return Reductions.sum(this, dims, keepdim);
    }

    public Tensor sum(int dim, boolean keepdim) {
        return Reductions.sum(this, new int[] {dim}, keepdim);
    }

    /** The mean of all elements (0-d, float). */
    public Tensor mean() {
        return Reductions.mean(this, null, false);
    }

    public Tensor mean(int... dims) {
        return Reductions.mean(this, dims, false);
    }

    public Tensor mean(int[] dims, boolean keepdim) {
        return Reductions.mean(this, dims, keepdim);
    }

    public Tensor mean(int dim, boolean keepdim) {
        return Reductions.mean(this, new int[] {dim}, keepdim);
    }

    /** The maximum over all elements (NaN propagates). */
    public Tensor amax() {
        return Reductions.amax(this, null, false, true);
    }

    public Tensor amax(int[] dims, boolean keepdim) {
        return Reductions.amax(this, dims, keepdim, true);
    }

    public Tensor amax(int dim, boolean keepdim) {
        return Reductions.amax(this, new int[] {dim}, keepdim, true);
    }

    public Tensor amin() {
        return Reductions.amax(this, null, false, false);
    }

    public Tensor amin(int[] dims, boolean keepdim) {
        return Reductions.amax(this, dims, keepdim, false);
    }

    public Tensor amin(int dim, boolean keepdim) {
        return Reductions.amax(this, new int[] {dim}, keepdim, false);
    }

    /** The maximum of all elements (0-d). */
    public Tensor max() {
        return Reductions.maxAll(this, true);
    }

    /** Maximum values along {@code dim} and their int64 indices. */
    public ValuesIndices max(int dim) {
        return Reductions.maxDim(this, dim, false, true);
    }

    public ValuesIndices max(int dim, boolean keepdim) {
        return Reductions.maxDim(this, dim, keepdim, true);
    }

    public Tensor min() {
        return Reductions.maxAll(this, false);
    }

    public ValuesIndices min(int dim) {
        return Reductions.maxDim(this, dim, false, false);
    }

    public ValuesIndices min(int dim, boolean keepdim) {
        return Reductions.maxDim(this, dim, keepdim, false);
    }

    /** The flat index of the maximum (int64, 0-d). */
    public Tensor argmax() {
        return Reductions.argmax(this, null, false, true);
    }

    public Tensor argmax(int dim, boolean keepdim) {
        return Reductions.argmax(this, dim, keepdim, true);
    }

    public Tensor argmin() {
        return Reductions.argmax(this, null, false, false);
    }

    public Tensor argmin(int dim, boolean keepdim) {
        return Reductions.argmax(this, dim, keepdim, false);
    }

    /** Unbiased variance of all elements. */
    public Tensor var() {
        return Reductions.var(this, null, true, false, false);
    }

    public Tensor var(int[] dims, boolean unbiased, boolean keepdim) {
        return Reductions.var(this, dims, unbiased, keepdim, false);
    }

    public Tensor var(int dim, boolean unbiased, boolean keepdim) {
        return Reductions.var(this, new int[] {dim}, unbiased, keepdim, false);
    }

    /** Unbiased standard deviation of all elements. */
    public Tensor std() {
        return Reductions.var(this, null, true, false, true);
    }

    public Tensor std(int[] dims, boolean unbiased, boolean keepdim) {
        return Reductions.var(this, dims, unbiased, keepdim, true);
    }

    public Tensor std(int dim, boolean unbiased, boolean keepdim) {
        return Reductions.var(this, new int[] {dim}, unbiased, keepdim, true);
    }

    /** log(sum(exp(x))) over {@code dims}, computed stably. */
    public Tensor logsumexp(int[] dims, boolean keepdim) {
        return Reductions.logsumexp(this, dims, keepdim);
    }

    public Tensor logsumexp(int dim, boolean keepdim) {
        return Reductions.logsumexp(this, new int[] {dim}, keepdim);
    }

    /** The 2-norm of all elements. */
    public Tensor norm() {
        return Reductions.norm(this, 2, null, false);
    }

    /** The p-norm of all elements (p may be infinite). */
    public Tensor norm(double p) {
        return Reductions.norm(this, p, null, false);
    }

    public Tensor norm(double p, int[] dims, boolean keepdim) {
        return Reductions.norm(this, p, dims, keepdim);
    }

    // ------------------------------------------------------------------ linear algebra

    /** Matrix product with NumPy's rules for 1-D and batched operands (batch dims broadcast). */
    public Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }

    /** 2-D matrix product. */
    public Tensor mm(Tensor other) {
        return LinearAlgebra.mm(this, other);
    }

    /** 3-D batched matrix product (no broadcasting). */
    public Tensor bmm(Tensor other) {
        return LinearAlgebra.bmm(this, other);
    }

    // ------------------------------------------------------------------ views and shape

    /** A view with a new shape (one size may be -1); fails if the strides do not allow it. */
    public Tensor view(int... shape) {
        return ViewOps.view(this, shape);
    }

    /** A view with a new shape when possible, else a copy. */
    public Tensor reshape(int... shape) {
        return ViewOps.reshape(this, shape);
    }

    /** Swaps two dimensions (a view). */
    public Tensor transpose(int dim0, int dim1) {
        return ViewOps.transpose(this, dim0, dim1);
    }

    /** Reorders the dimensions (a view). */
    public Tensor permute(int... dims) {
        return ViewOps.permute(this, dims);
    }

    /** Transpose of a tensor with at most 2 dimensions. */
    public Tensor t() {
        return ViewOps.t(this);
    }

    /** Removes every dimension of size 1. */
    public Tensor squeeze() {
        return ViewOps.squeeze(this, null);
    }

    /** Removes dimension {@code dim} if its size is 1 (else returns the same shape). */
    public Tensor squeeze(int dim) {
        return ViewOps.squeeze(this, dim);
    }

    /** Inserts a dimension of size 1 at {@code dim}. */
    public Tensor unsqueeze(int dim) {
        return ViewOps.unsqueeze(this, dim);
    }

    /** Broadcasts to a larger shape without copying (-1 keeps a size). */
    public Tensor expand(int... shape) {
        return ViewOps.expand(this, shape);
    }

    public Tensor expandAs(Tensor other) {
        return ViewOps.expand(this, other.shape);
    }

    /** The elements [start, start + length) of dimension {@code dim} (a view). */
    public Tensor narrow(int dim, int start, int length) {
        return ViewOps.slice(this, dim, start, start + length, 1, "narrow", true);
    }

    /** Python's {@code x[..., start:end:step, ...]} along {@code dim} (a view). */
    public Tensor slice(int dim, int start, int end, int step) {
        return ViewOps.slice(this, dim, start, end, step, "slice", false);
    }

    /** Index {@code index} of dimension {@code dim}, removing that dimension (a view). */
    public Tensor select(int dim, int index) {
        return ViewOps.select(this, dim, index);
    }

    /** Flattens all dimensions into one. */
    public Tensor flatten() {
        return ViewOps.flatten(this, 0, -1);
    }

    /** Flattens dimensions startDim..endDim (inclusive) into one. */
    public Tensor flatten(int startDim, int endDim) {
        return ViewOps.flatten(this, startDim, endDim);
    }

    /** Python-style indexing: {@code x.index(Index.at(0), Index.slice(1, null), Index.tensor(idx))}. */
    public Tensor index(Index... indices) {
        return IndexOps.index(this, indices);
    }

    /** Elements along {@code dim} at the int64 positions of {@code index}. */
    public Tensor indexSelect(int dim, Tensor index) {
        return IndexOps.indexSelect(this, dim, index);
    }

    /** {@code out[i][j] = this[index[i][j]][j]} for dim 0, and so on (PyTorch's gather). */
    public Tensor gather(int dim, Tensor index) {
        return IndexOps.gather(this, dim, index);
    }

    /** Sorts along {@code dim} (stable; NaN counts as the largest value): values and their int64 positions. */
    public ValuesIndices sort(int dim, boolean descending) {
        return SortOps.sort(this, dim, descending);
    }

    /** The int64 positions that sort this tensor along {@code dim}. */
    public Tensor argsort(int dim, boolean descending) {
        ValuesIndices vi = SortOps.sort(this, dim, descending);
        vi.values().close();
        return vi.indices();
    }

    /** A random permutation of 0..n-1 (int64) from the default generator. */
    public static Tensor randperm(long n) {
        return SortOps.randperm(n, Generator.DEFAULT);
    }

    /** A random permutation of 0..n-1 (int64) from {@code gen}. */
    public static Tensor randperm(Generator gen, long n) {
        return SortOps.randperm(n, gen);
    }

    /** Concatenates tensors along an existing dimension. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return JoinOps.cat(tensors, dim);
    }

    /** Stacks tensors of equal shape along a new dimension. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return JoinOps.stack(tensors, dim);
    }

    // ------------------------------------------------------------------ softmax

    public Tensor softmax(int dim) {
        return SoftmaxOps.softmax(this, dim, false);
    }

    public Tensor logSoftmax(int dim) {
        return SoftmaxOps.softmax(this, dim, true);
    }

    // ------------------------------------------------------------------ autograd

    /** Whether gradients are computed for this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Sets whether this leaf requires grad (PyTorch's {@code requires_grad_}). Only leaves
     * can change it; integer and bool tensors cannot require grad.
     */
    public Tensor requiresGrad_(boolean requires) {
        return AutogradOps.setRequiresGrad(this, requires);
    }

    /** Shorthand for {@code requiresGrad_(true)}. */
    public Tensor requiresGrad_() {
        return requiresGrad_(true);
    }

    /** True for tensors not produced by a recorded op (user-created, detached, or not requiring grad). */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The node that produced this tensor, or null for leaves. */
    public Node gradFn() {
        return gradFn;
    }

    /**
     * The accumulated gradient, or null. Leaves that require grad get one from backward;
     * other tensors only after {@link #retainGrad()}. The returned tensor shares memory with
     * the gradient this tensor holds (in-place changes show), but has a life of its own: it
     * belongs to the current scope.
     */
    public Tensor grad() {
        checkAlive("grad");
        Tensor g = grad;
        if (g == null) return null;
        g.checkAlive("grad");
        return g.aliasWithGraph();
    }

    /**
     * A new tensor object over the same memory, registered with the current scope, with this
     * tensor's place in the graph (same grad_fn, or routed to the same leaf).
     */
    Tensor aliasWithGraph() {
        storage.retain();
        Tensor alias = new Tensor(storage, backend, dtype, shape, strides, offset);
        if (requiresGrad) {
            alias.requiresGrad = true;
            if (gradFn != null) {
                alias.gradFn = gradFn;
                alias.gradFnUncounted = gradFnUncounted;
                if (!gradFnUncounted) gradFn.retainRef();
            } else {
                alias.accumulator = accumulatorNode();
            }
        }
        return alias;
    }

    /** Replaces the gradient ({@code null} clears it, as PyTorch's {@code x.grad = None}). */
    public void setGrad(Tensor g) {
        AutogradOps.setGrad(this, g);
    }

    /** Keeps the gradient of this non-leaf tensor in {@link #grad()} after backward. */
    public void retainGrad() {
        AutogradOps.retainGrad(this);
    }

    /**
     * Registers a hook called with this tensor's gradient during backward; if it returns a
     * tensor, that replaces the gradient. Returns a handle whose {@code close()} removes it.
     */
    public AutoCloseable registerHook(UnaryOperator<Tensor> hook) {
        return AutogradOps.registerHook(this, hook);
    }

    /** Backward from a one-element tensor (the gradient is 1). */
    public void backward() {
        Engine.backward(this, null, false, false);
    }

    /** Backward with {@code gradient} (the vector in the vector-Jacobian product). */
    public void backward(Tensor gradient) {
        Engine.backward(this, gradient, false, false);
    }

    /**
     * Backward; {@code retainGraph} keeps saved tensors for another backward, {@code createGraph}
     * records the backward itself so gradients can be differentiated again.
     */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Engine.backward(this, gradient, retainGraph || createGraph, createGraph);
    }

    /** The node to pass this tensor's gradient to: its grad_fn, or its accumulator if a leaf. */
    Node gradEdge() {
        if (!requiresGrad) return null;
        return gradFn != null ? gradFn : accumulatorNode();
    }

    AccumulateGrad accumulatorNode() {
        AccumulateGrad a = accumulator;
        if (a == null) a = accumulator = new AccumulateGrad(this);
        return a;
    }

    // ------------------------------------------------------------------ printing

    /** PyTorch's format: {@code tensor([[1., 2.], [3., 4.]], grad_fn=<AddBackward0>)}. */
    @Override
    public String toString() {
        if (released) return "tensor(<released: " + releasedBy + ">, shape=" + Shapes.str(shape) + ")";
        return TensorFormatter.format(this);
    }
}
