package dev.panagrad.memory;

/**
 * Size classes of the caching allocator: 64 bytes, then four classes per power of two
 * (2^k, 1.25·2^k, 1.5·2^k, 1.75·2^k). A request is served by the smallest class that
 * holds it, so at most a fifth of a block is slack, and any cached block of a class can
 * serve any later request that maps to the same class.
 */
final class SizeClasses {
    static final long MIN_BYTES = 64;
    private static final int MIN_SHIFT = 6;

    private SizeClasses() {}

    /** The class index of a request of {@code bytes} (0 for anything up to 64 bytes). */
    static int index(long bytes) {
        if (bytes <= MIN_BYTES) return 0;
        int k = 63 - Long.numberOfLeadingZeros(bytes - 1); // 2^k < bytes <= 2^(k+1)
        long base = 1L << k;
        long quarter = base >> 2;
        // Smallest q in 1..4 with base + q*quarter >= bytes.
        int q = (int) ((bytes - base + quarter - 1) / quarter);
        return 4 * (k - MIN_SHIFT) + q;
    }

    /** The capacity in bytes of class {@code index}. */
    static long capacity(int index) {
        if (index == 0) return MIN_BYTES;
        int k = (index - 1) / 4 + MIN_SHIFT;
        int q = (index - 1) % 4 + 1;
        long base = 1L << k;
        return base + q * (base >> 2);
    }

    /** Number of classes needed for blocks up to 2^62 bytes. */
    static final int COUNT = index(1L << 62) + 1;
}
