package dev.panagrad.backend.cpu;

/**
 * The blocking of the packed GEMM, in bytes so that float32 and float64 derive their element
 * counts from one place. Sized for this project's reference machine, AMD Zen 5 (L1d 48 KiB
 * 12-way and L2 1 MiB 8-way per core, L3 shared; {@code getconf -a | grep CACHE}), and
 * chosen by measurement (GemmBench, N = 256..2048):
 * <ul>
 * <li><b>Micro-tile</b> MR rows by two vectors (NR = 2 x lanes: 32 floats or 16 doubles on
 *     AVX-512). One k step loads 2 vectors of B and broadcasts MR values of A into MR x 2
 *     accumulators. MR = 12 uses 24 accumulators + 2 B vectors + 1 broadcast of the 32 zmm
 *     registers and needs 14 loads per 24 FMAs, within the 2-loads-per-FMA-pair budget; 8 x 3
 *     vectors ran 5-10% slower, 6 x 4 and 14 x 2 about the same (14 x 2 leaves no register
 *     spare). With 16 vector registers (256-bit or narrower) MR = 6.</li>
 * <li><b>KC = 256</b> (the shared dimension of one packed block): the A sliver the kernel
 *     keeps in L1 is MR x KC = 12 KiB for float (24 KiB double), and C is read and written
 *     once per KC steps, so larger KC means fewer passes over C; 128 and 512 measured
 *     slower.</li>
 * <li><b>B panel</b> KC x NC = 512 KiB, half of L2 (NC = 512 floats, 256 doubles): every
 *     A sliver streams the whole panel from L2, one NR-wide B sliver after another, while
 *     the A sliver stays in L1.</li>
 * <li><b>A block</b> MC x KC = 128 KiB (MC = 120 floats, 60 doubles): packed just before it
 *     is used, it stays in L2 beside the B panel. 512 KiB was slower: it pushes the B panel
 *     out of L2.</li>
 * </ul>
 * The loop order (see {@code PackedGemm.java.template}) keeps an A sliver in L1 and walks
 * the B slivers along a row of C tiles, so consecutive tiles write consecutive 128-byte runs
 * of the same 12 rows of C: sequential streams the hardware prefetcher follows. Walking down
 * a column of tiles instead (the B sliver in L1, BLIS's order) touches a new 4 KiB page of C
 * per row, which the prefetcher does not follow; without a prefetch instruction in Java, C
 * then comes from memory at every pass, and N = 2048 ran 30% slower.
 */
final class GemmBlocking {
    private GemmBlocking() {}

    /** The shared-dimension block. */
    static final int KC = 256;
    /** Bytes of the packed B panel (KC x NC), kept in L2. */
    static final int B_PANEL_BYTES = 512 * 1024;
    /**
     * Bytes of a whole packed K x NC column of B, at most, for the order that keeps each block
     * of C in L2 across the KC slices ({@code PackedGemm.java.template}): 4 MB at K = 2048.
     * Past this (a convolution's weight gradient, K in the tens of thousands) the slices go
     * one by one and the pack buffer stays one panel.
     */
    static final int B_COLUMN_BYTES = 8 << 20;
    /** Bytes of the packed A block (MC x KC), kept in L2 beside the B panel. */
    static final int A_BLOCK_BYTES = 128 * 1024;

    /** Micro-tile rows for a vector size: 12 with 32 vector registers (AVX-512), 6 with 16. */
    static int mr(int vectorBits) {
        return vectorBits >= 512 ? 12 : 6;
    }

    /** MC: the largest multiple of MR with MC x KC x bytes within A_BLOCK_BYTES. */
    static int mc(int bytes, int mr) {
        return Math.max(mr, A_BLOCK_BYTES / (KC * bytes) / mr * mr);
    }

    /** NC: the largest multiple of NR with KC x NC x bytes within B_PANEL_BYTES. */
    static int nc(int bytes, int nr) {
        return Math.max(nr, B_PANEL_BYTES / (KC * bytes) / nr * nr);
    }

    /**
     * The rows the micro-kernels compute for m rows of C: whole MR-row tiles, and with MR = 12
     * the rest in steps of 4 (the 8- and 4-row kernels); with other MR whole tiles only.
     */
    static long paddedRows(long m, int mr) {
        if (mr != 12) return (m + mr - 1) / mr * mr;
        return m / mr * mr + (m % mr + 3) / 4 * 4;
    }
}
