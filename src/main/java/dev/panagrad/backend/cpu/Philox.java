package dev.panagrad.backend.cpu;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011):
 * a counter-based generator, so element i of a random fill depends only on (seed, i), the
 * same on any thread split and on any device that implements the same function.
 */
final class Philox {
    private static final long M0 = 0xD2511F53L, M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    private Philox() {}

    /** The four 32-bit outputs for counter {@code ctr} (as two 32-bit words, the rest 0) and key {@code seed}. */
    static void block(long seed, long ctr, int[] out) {
        int c0 = (int) ctr, c1 = (int) (ctr >>> 32), c2 = 0, c3 = 0;
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int r = 0; r < 10; r++) {
            long p0 = M0 * (c0 & 0xFFFFFFFFL);
            long p1 = M1 * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
    }

    /** Uniform in [0, 1) from 24 random bits. */
    static float uniformFloat(int bits) {
        return (bits >>> 8) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) from 53 random bits. */
    static double uniformDouble(int hi, int lo) {
        long bits = ((hi & 0xFFFFFFFFL) << 21) ^ ((lo & 0xFFFFFFFFL) >>> 11);
        return bits * 0x1.0p-53;
    }
}
