package dev.panagrad.backend.cpu;

/**
 * The pack buffers of one thread for the packed GEMM, kept in a {@link ThreadLocal} and
 * grown (never shrunk) to the largest block a thread has needed, so a steady loop packs into
 * the same arrays every call and allocates nothing. They die with their thread (the pool's
 * workers live until {@link CpuParallel#setThreads} replaces the pool). At most an A block,
 * the packed B (one 512 KiB panel, or a whole column of B of up to
 * {@link GemmBlocking#B_COLUMN_BYTES} when C blocks stay in L2 across the KC slices) and one
 * tile per element type ({@link GemmBlocking}).
 * <p>
 * Why Java arrays rather than off-heap segments: the micro-kernel reads its packed operands
 * about 14 times per 24 FMAs. From a {@code MemorySegment}, C2 (JDK 25) keeps a bounds check
 * and a session liveness check on every one of those loads (it does not hoist them out of
 * the k loop) and then spills accumulators; from an array the same loop compiles to
 * broadcasts, loads and FMAs only. Tensor memory stays off-heap: only the packed copies,
 * which never leave this class's owner, are on the heap. The arrays are not 64-byte aligned
 * (the JVM aligns objects to 8 bytes); measured, shifting the B panel through every 16-byte
 * offset changed nothing beyond noise.
 */
final class GemmWorkspace {
    private static final ThreadLocal<GemmWorkspace> LOCAL = ThreadLocal.withInitial(GemmWorkspace::new);

    private float[] floatA = new float[0], floatB = new float[0], floatTile = new float[0];
    private double[] doubleA = new double[0], doubleB = new double[0], doubleTile = new double[0];

    private GemmWorkspace() {}

    /** This thread's workspace. */
    static GemmWorkspace get() {
        return LOCAL.get();
    }

    float[] floatA(int n) {
        return floatA.length >= n ? floatA : (floatA = new float[n]);
    }

    float[] floatB(int n) {
        return floatB.length >= n ? floatB : (floatB = new float[n]);
    }

    float[] floatTile(int n) {
        return floatTile.length >= n ? floatTile : (floatTile = new float[n]);
    }

    double[] doubleA(int n) {
        return doubleA.length >= n ? doubleA : (doubleA = new double[n]);
    }

    double[] doubleB(int n) {
        return doubleB.length >= n ? doubleB : (doubleB = new double[n]);
    }

    double[] doubleTile(int n) {
        return doubleTile.length >= n ? doubleTile : (doubleTile = new double[n]);
    }
}
