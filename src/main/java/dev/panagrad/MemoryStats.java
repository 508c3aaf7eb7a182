package dev.panagrad;

/**
 * A snapshot of one device's caching allocator.
 *
 * @param liveBytes         bytes in blocks held by tensors now (block sizes, so slightly above the tensors' own sizes)
 * @param peakBytes         the most live bytes since start or the last {@link Memory#resetPeak}
 * @param cachedBytes       bytes in freed blocks kept for reuse
 * @param nativeAllocations blocks ever obtained from the device (a steady loop stops adding to this)
 * @param cacheHits         allocations served from the cache
 * @param allocations       all allocations
 */
public record MemoryStats(long liveBytes, long peakBytes, long cachedBytes, long nativeAllocations,
                          long cacheHits, long allocations) {
    /** Bytes obtained from the device and not yet returned: live plus cached. */
    public long reservedBytes() {
        return liveBytes + cachedBytes;
    }
}
