package dev.panagrad.memory;

import java.util.Arrays;

/**
 * A per-device pool of blocks sorted into {@link SizeClasses}. A freed block goes back to
 * its class's stack rather than to the device, so a steady loop that frees what it
 * allocated stops asking the device for memory after its first iteration. All methods are
 * thread-safe; the critical sections are a few field updates.
 */
public final class CachingAllocator {
    private final NativeMemory device;
    private final Buffer[][] stacks = new Buffer[SizeClasses.COUNT][];
    private final int[] depth = new int[SizeClasses.COUNT];

    private long liveBytes;
    private long peakBytes;
    private long cachedBytes;
    private long nativeAllocations;
    private long nativeFrees;
    private long cacheHits;
    private long allocations;

    public CachingAllocator(NativeMemory device) {
        this.device = device;
    }

    /** A block of at least {@code bytes} bytes, from the cache when one of its class is free. */
    public Buffer allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation size " + bytes);
        int cls = SizeClasses.index(Math.max(bytes, 1));
        Buffer b = takeCached(cls);
        if (b == null) {
            b = allocateNative(cls);
        }
        return b;
    }

    private synchronized Buffer takeCached(int cls) {
        allocations++;
        int d = depth[cls];
        if (d == 0) return null;
        Buffer b = stacks[cls][--d];
        stacks[cls][d] = null;
        depth[cls] = d;
        cachedBytes -= b.capacity;
        cacheHits++;
        addLive(b.capacity);
        return b;
    }

    private Buffer allocateNative(int cls) {
        long cap = SizeClasses.capacity(cls);
        Buffer b;
        try {
            b = device.allocate(cap, cls);
        } catch (OutOfMemoryError first) {
            emptyCache(); // as PyTorch does: give cached blocks back and try once more
            b = device.allocate(cap, cls);
        }
        synchronized (this) {
            nativeAllocations++;
            addLive(cap);
        }
        return b;
    }

    private void addLive(long bytes) {
        liveBytes += bytes;
        if (liveBytes > peakBytes) peakBytes = liveBytes;
    }

    /** Returns a block to the cache. The caller must not use it afterwards. */
    public synchronized void free(Buffer b) {
        int cls = b.sizeClass;
        Buffer[] s = stacks[cls];
        int d = depth[cls];
        if (s == null) {
            s = stacks[cls] = new Buffer[4];
        } else if (d == s.length) {
            s = stacks[cls] = Arrays.copyOf(s, d * 2);
        }
        s[d] = b;
        depth[cls] = d + 1;
        liveBytes -= b.capacity;
        cachedBytes += b.capacity;
    }

    /** Gives every cached block back to the device. Blocks in use are not affected. */
    public void emptyCache() {
        Buffer[] toFree;
        synchronized (this) {
            int n = 0;
            for (int d : depth) n += d;
            toFree = new Buffer[n];
            int k = 0;
            for (int c = 0; c < stacks.length; c++) {
                for (int i = 0; i < depth[c]; i++) {
                    toFree[k++] = stacks[c][i];
                    stacks[c][i] = null;
                }
                depth[c] = 0;
            }
            cachedBytes = 0;
            nativeFrees += n;
        }
        for (Buffer b : toFree) device.free(b);
    }

    /** Starts a new peak measurement from the current live bytes. */
    public synchronized void resetPeak() {
        peakBytes = liveBytes;
    }

    public synchronized long liveBytes() { return liveBytes; }
    public synchronized long peakBytes() { return peakBytes; }
    public synchronized long cachedBytes() { return cachedBytes; }
    public synchronized long nativeAllocations() { return nativeAllocations; }
    public synchronized long nativeFrees() { return nativeFrees; }
    public synchronized long cacheHits() { return cacheHits; }
    public synchronized long allocations() { return allocations; }

    /** The device's name for messages. */
    public String deviceName() {
        return device.name();
    }
}
