package dev.panagrad.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory behind one or more tensors (a tensor and its views share one Storage). It
 * carries the version counter that autograd uses to notice in-place changes, and a
 * reference count: the block returns to its allocator's cache when the last tensor, view
 * or saved reference lets go. A {@link Cleaner} is only a safety net for storages nobody
 * released; with {@code -Dpanagrad.leakCheck=true} it also records them as leaks.
 */
public final class Storage {
    /** Tests run with this on: every storage is watched and unreleased ones are reported. */
    public static final boolean LEAK_CHECK = Boolean.getBoolean("panagrad.leakCheck");

    private static final Cleaner CLEANER = Cleaner.create();
    private static final VarHandle REFS;
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(Storage.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Reclaim reclaim;          // null for memory we do not own (wrapped segments)
    private final MemorySegment segment;
    private final long byteSize;
    private final String device;
    private Cleaner.Cleanable cleanable;
    @SuppressWarnings("unused") // accessed through REFS
    private volatile int refs = 1;
    private volatile boolean freed;
    private int version;

    private Storage(MemorySegment segment, long byteSize, Reclaim reclaim, String device) {
        this.segment = segment;
        this.byteSize = byteSize;
        this.reclaim = reclaim;
        this.device = device;
    }

    /**
     * A new storage of {@code byteSize} bytes from {@code allocator}, holding one reference.
     * {@code watched}: register the Cleaner safety net (storages of tensors that no Scope owns).
     */
    public static Storage allocate(CachingAllocator allocator, long byteSize, boolean watched) {
        Buffer b = allocator.allocate(byteSize);
        // The whole block: bounds checks stop at the block, and no slice object is made per tensor.
        Storage s = new Storage(b.segment, byteSize, new Reclaim(allocator, b), allocator.deviceName());
        if (watched || LEAK_CHECK) s.watch();
        return s;
    }

    /** Memory owned by someone else (zero-copy import): never freed by us. */
    public static Storage wrap(MemorySegment segment, String device) {
        return new Storage(segment, segment.byteSize(), null, device);
    }

    /** Registers the Cleaner safety net, if not done yet. */
    public void watch() {
        if (cleanable == null && reclaim != null) {
            if (LEAK_CHECK) reclaim.site = new Throwable("allocated here");
            cleanable = CLEANER.register(this, reclaim);
        }
    }

    /** The bytes of this storage; throws if it was freed. */
    public MemorySegment segment() {
        if (freed) throw new IllegalStateException("panagrad: storage used after it was freed");
        return segment;
    }

    /**
     * The bytes of this storage for code outside panagrad: the same memory as {@link #segment()},
     * but tied to an arena that closes when this storage is freed, so a segment kept past its
     * tensor's life throws instead of reading a block the cache has handed to another tensor.
     */
    public MemorySegment exposedSegment() {
        if (reclaim == null) return segment(); // the caller's own memory
        synchronized (reclaim) {
            if (freed) throw new IllegalStateException("panagrad: storage used after it was freed");
            if (reclaim.exposed == null) {
                reclaim.exposedArena = Arena.ofShared();
                reclaim.exposed = segment.reinterpret(reclaim.exposedArena, null);
            }
            return reclaim.exposed;
        }
    }

    public long byteSize() {
        return byteSize;
    }

    public String device() {
        return device;
    }

    public boolean isFreed() {
        return freed;
    }

    /** Adds a reference (a view, a saved tensor). */
    public void retain() {
        int r = (int) REFS.getAndAdd(this, 1);
        if (r <= 0) {
            REFS.getAndAdd(this, -1);
            throw new IllegalStateException("panagrad: storage retained after it was freed");
        }
    }

    /** Drops a reference; the last one returns the block to the allocator's cache. */
    public void release() {
        int r = (int) REFS.getAndAdd(this, -1) - 1;
        if (r == 0) {
            freed = true;
            if (reclaim != null) {
                reclaim.explicit = true;
                if (cleanable != null) cleanable.clean(); else reclaim.run();
            }
        } else if (r < 0) {
            REFS.getAndAdd(this, 1);
            throw new IllegalStateException("panagrad: storage released more often than retained");
        }
    }

    /** The number of references (tensors, views, saved tensors) holding this storage. */
    public int refCount() {
        return (int) REFS.getVolatile(this);
    }

    /** The version counter: how many in-place changes this storage has seen. */
    public int version() {
        return version;
    }

    /** Records an in-place change. */
    public void bumpVersion() {
        version++;
    }

    /** Leaks found so far by the Cleaner in leak-check mode (descriptions with allocation sites). */
    public static List<String> leaks() {
        synchronized (LEAKS) {
            return List.copyOf(LEAKS);
        }
    }

    /** Returns the block to its allocator exactly once; also the Cleaner's action. */
    private static final class Reclaim implements Runnable {
        private final CachingAllocator allocator;
        private Buffer buffer;
        volatile boolean explicit;
        Throwable site;
        /** The arena of {@link #exposedSegment()}, closed before the block goes back to the cache. */
        Arena exposedArena;
        MemorySegment exposed;

        Reclaim(CachingAllocator allocator, Buffer buffer) {
            this.allocator = allocator;
            this.buffer = buffer;
        }

        @Override
        public synchronized void run() {
            Buffer b = buffer;
            if (b == null) return;
            buffer = null;
            if (exposedArena != null) {
                exposedArena.close();
                exposedArena = null;
                exposed = null;
            }
            if (!explicit && LEAK_CHECK) {
                java.io.StringWriter w = new java.io.StringWriter();
                if (site != null) site.printStackTrace(new java.io.PrintWriter(w));
                synchronized (LEAKS) {
                    LEAKS.add("storage of " + b.capacity + " bytes on " + allocator.deviceName()
                            + " was never released; " + w);
                }
            }
            allocator.free(b);
        }
    }
}
