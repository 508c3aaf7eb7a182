package dev.panagrad.backend.cpu;

/**
 * The blocking of the packed GEMM (BLIS/Goto loop order: NC columns of B, KC of the shared
 * dimension, MC rows of A, then NR x MR micro-tiles), in bytes so that float32 and float64
 * derive their element counts from one place. Sized for this project's reference machine,
 * AMD Zen 5 (L1d 48 KiB 12-way, L2 1 MiB 8-way per core, L3 shared):
 * <ul>
 * <li>the micro-tile is MR rows by two vectors (NR = 2 x lanes: 32 floats or 16 doubles on
 *     AVX-512), so one k step reads 2 vectors of B and MR broadcasts of A into MR x 2
 *     accumulators; MR = 12 gives 24 accumulators, 2 B vectors and one broadcast register,
 *     27 of the 32 zmm registers. With 16 registers (256-bit or narrower vectors) MR = 6.</li>
 * <li>a B sliver (KC x NR) is read once per MR-row sliver of A and should stay in L1:
 *     KC x 128 bytes; KC = 256 makes it 32 KiB, two thirds of L1, with the A sliver
 *     (12 x KC x 4 = 12 KiB for float) streaming past it.</li>
 * <li>the packed A block (MC x KC) is reused across every B sliver of the panel and lives in
 *     L2: about half of the 1 MiB, so MC x KC x bytes = 512 KiB.</li>
 * <li>the packed B panel (KC x NC) lives in L3 (each thread packs its own); NC = 4096
 *     columns covers every square problem of the benchmarks with one panel.</li>
 * </ul>
 * The measurements behind these numbers are in the GemmBench notes of the branch.
 */
final class GemmBlocking {
    private GemmBlocking() {}

    /** The shared-dimension block: B sliver KC x NR in L1. */
    static final int KC = 256;
    /** Bytes of the packed A block (kept in L2). */
    static final int A_BLOCK_BYTES = 512 * 1024;
    /** Columns of the packed B panel. */
    static final int NC = 4096;

    /** Micro-tile rows for a vector size: 12 with 32 vector registers (AVX-512), 6 with 16. */
    static int mr(int vectorBits) {
        return vectorBits >= 512 ? 12 : 6;
    }

    /** MC for an element size and MR: the largest multiple of MR with MC x KC x bytes in A_BLOCK_BYTES. */
    static int mc(int bytes, int mr) {
        return Math.max(mr, A_BLOCK_BYTES / (KC * bytes) / mr * mr);
    }
}
