package dev.panagrad;

/**
 * A seedable source of random tensors. Numbers come from a counter-based generator
 * (Philox4x32-10): each random op reserves a block of counters, so a seed and a sequence of
 * ops give the same tensors on every run, whatever the thread count.
 */
public final class Generator {
    /** PyTorch's default seed, so an unseeded program is still repeatable. */
    static final long DEFAULT_SEED = 67280421310721L;
    static final Generator DEFAULT = new Generator(DEFAULT_SEED);

    private long seed;
    private long counter;

    /** A generator starting from {@code seed}. */
    public Generator(long seed) {
        this.seed = seed;
    }

    /** The default generator that {@link Tensor#rand} and friends use. */
    public static Generator defaultGenerator() {
        return DEFAULT;
    }

    /** Restarts the sequence from {@code seed}. */
    public synchronized void manualSeed(long seed) {
        this.seed = seed;
        this.counter = 0;
    }

    /** The seed in use. */
    public synchronized long initialSeed() {
        return seed;
    }

    /** Reserves {@code n} counters; returns {seed, first counter}. */
    synchronized long[] reserve(long n) {
        long c = counter;
        counter += n;
        return new long[] {seed, c};
    }
}
