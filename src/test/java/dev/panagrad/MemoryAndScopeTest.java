package dev.panagrad;

import dev.panagrad.memory.Buffer;
import dev.panagrad.memory.CachingAllocator;
import dev.panagrad.memory.HostMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The caching allocator (size classes, reuse, statistics, emptyCache), Scope's release rules,
 * and what happens when a released tensor is used: an IllegalStateException naming the shape
 * and the release site, never a read of freed memory.
 */
class MemoryAndScopeTest {

    // ------------------------------------------------------------------ the allocator on its own

    @Test
    void sizeClassesRoundUpByAtMostAQuarterAndFreedBlocksAreReused() {
        CachingAllocator a = new CachingAllocator(new HostMemory());
        try {
            // Classes: 64 bytes, then 2^k * (1, 1.25, 1.5, 1.75): 64, 80, 96, 112, 128, 160, ...
            assertEquals(64, a.allocate(1).capacity());
            assertEquals(64, a.allocate(64).capacity());
            assertEquals(80, a.allocate(65).capacity());
            assertEquals(112, a.allocate(100).capacity());
            assertEquals(128, a.allocate(113).capacity());
            assertEquals(1280, a.allocate(1025).capacity());
            assertEquals(1 << 20, a.allocate(1 << 20).capacity());
            assertEquals(7, a.nativeAllocations());
            assertEquals(64 + 64 + 80 + 112 + 128 + 1280 + (1 << 20), a.liveBytes());

            Buffer b = a.allocate(100);
            assertEquals(0, b.segment().address() % HostMemory.ALIGNMENT, "64-byte aligned");
            a.free(b);
            assertEquals(112, a.cachedBytes());
            Buffer again = a.allocate(104); // same class (97..112 bytes)
            assertSame(b, again, "a freed block serves the next request of its class");
            assertEquals(1, a.cacheHits());
            assertEquals(8, a.nativeAllocations());
            assertEquals(0, a.cachedBytes());
            a.free(again);
            Buffer other = a.allocate(116); // the 128-byte class: the cached 112-byte block does not fit
            assertNotSame(b, other);
            assertEquals(9, a.nativeAllocations());
            assertEquals(112, a.cachedBytes());
            assertEquals(10, a.allocations());
            assertThrows(IllegalArgumentException.class, () -> a.allocate(-1));
        } finally {
            a.emptyCache();
        }
    }

    @Test
    void peakLiveAndEmptyCache() {
        CachingAllocator a = new CachingAllocator(new HostMemory());
        Buffer x = a.allocate(1000), y = a.allocate(3000);
        long both = x.capacity() + y.capacity();
        assertEquals(both, a.peakBytes());
        a.free(y);
        assertEquals(x.capacity(), a.liveBytes());
        assertEquals(both, a.peakBytes(), "the peak stays");
        a.resetPeak();
        assertEquals(x.capacity(), a.peakBytes());
        MemorySegment stale = y.segment();
        a.emptyCache();
        assertEquals(0, a.cachedBytes());
        assertEquals(1, a.nativeFrees());
        assertThrows(IllegalStateException.class, () -> stale.get(ValueLayout.JAVA_BYTE, 0),
                "memory given back to the system cannot be read");
        a.free(x);
        a.emptyCache();
        assertEquals(0, a.liveBytes());
    }

    // ------------------------------------------------------------------ the CPU allocator through MemoryStats

    @Test
    void memoryStatsFollowTensorsAndTheCache() {
        try (Scope s = Scope.open()) {
            MemoryStats s0 = Memory.stats();
            Tensor t = Tensor.empty(25); // 100 bytes: the 112-byte class
            MemoryStats s1 = Memory.stats();
            assertEquals(112, s1.liveBytes() - s0.liveBytes());
            assertEquals(1, s1.allocations() - s0.allocations());
            assertTrue(s1.peakBytes() >= s1.liveBytes());
            t.close();
            MemoryStats s2 = Memory.stats();
            assertEquals(s0.liveBytes(), s2.liveBytes());
            assertEquals(112, s2.cachedBytes() - s1.cachedBytes(), "the block went to the cache");
            assertEquals(s2.liveBytes() + s2.cachedBytes(), s2.reservedBytes());
            Tensor u = Tensor.zeros(26); // 104 bytes, same class: a cache hit
            MemoryStats s3 = Memory.stats();
            assertEquals(1, s3.cacheHits() - s2.cacheHits());
            assertEquals(s2.nativeAllocations(), s3.nativeAllocations());
            u.close();

            Memory.emptyCache();
            MemoryStats s4 = Memory.stats();
            assertEquals(0, s4.cachedBytes());
            Tensor v = Tensor.zeros(26);
            assertEquals(s4.nativeAllocations() + 1, Memory.stats().nativeAllocations(), "after emptyCache a block is new");
            assertArrayEquals(new float[26], v.toFloatArray());
            Memory.resetPeak();
            assertEquals(Memory.stats().liveBytes(), Memory.stats().peakBytes());
        }
    }

    @Test
    void aSteadyLoopStopsAllocatingNativeMemory() {
        try (Scope outer = Scope.open()) {
            Tensor w = Tensor.randn(32, 32);
            Tensor b = Tensor.randn(32);
            long[] natives = new long[8], hits = new long[8];
            for (int step = 0; step < 8; step++) {
                try (Scope s = Scope.open()) {
                    Tensor x = Tensor.randn(16, 32);
                    Tensor h = x.matmul(w).add(b).tanh();
                    Tensor y = h.softmax(1).mul(h.exp()).sum(1).mean();
                    y.item();
                    Tensor mask = h.gt(0.0);
                    Tensor.where(mask, h, 0.0).t().contiguous().sum();
                }
                MemoryStats st = Memory.stats();
                natives[step] = st.nativeAllocations();
                hits[step] = st.cacheHits();
            }
            assertEquals(natives[1], natives[7], "after the first step every block comes from the cache");
            assertTrue(hits[7] - hits[1] >= 6 * 10, "each step hits the cache for all its tensors: " + (hits[7] - hits[1]));
        }
    }

    // ------------------------------------------------------------------ Scope

    @Test
    void closingAScopeReleasesEverythingMadeInsideIt() {
        long before = Memory.stats().liveBytes();
        Tensor kept;
        Tensor[] made = new Tensor[4];
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.randn(100);
            made[0] = a;
            made[1] = a.exp();                 // an op result
            made[2] = made[1].narrow(0, 0, 10); // a view
            made[3] = a.to(DType.FLOAT64);
            kept = s.keep(a.mul(2.0));
            assertEquals(Scope.current(), s);
            assertTrue(s.size() >= 4);
        }
        for (Tensor t : made) assertTrue(t.isReleased());
        assertFalse(kept.isReleased(), "a kept tensor outlives the outermost scope");
        assertEquals(100, kept.numel());
        kept.close();
        assertTrue(kept.isReleased());
        assertEquals(before, Memory.stats().liveBytes(), "nothing is left behind");
        assertEquals(null, Scope.current());
    }

    private static Tensor makeInInnerScope() {
        try (Scope inner = Scope.open()) {
            Tensor tmp = Tensor.ones(3);
            return inner.keep(tmp.add(1.0)); // returning out: moves to the enclosing scope
        }
    }

    @Test
    void keepMovesATensorToTheEnclosingScope() {
        Tensor out;
        try (Scope outer = Scope.open()) {
            out = makeInInnerScope();
            assertFalse(out.isReleased());
            assertArrayEquals(new float[] {2, 2, 2}, out.toFloatArray());
            assertEquals(1, outer.size(), "the returned tensor now belongs to the outer scope");
        }
        assertTrue(out.isReleased(), "and goes with it");

        Tensor free;
        try (Scope a = Scope.open(); Scope b = Scope.open()) {
            free = Tensor.ones(2).keep(); // out of every scope
        }
        assertFalse(free.isReleased());
        free.close();

        Tensor unscoped = Tensor.ones(2); // made outside any scope
        try (Scope s = Scope.open()) {
            unscoped.add_(1.0);
            assertEquals(unscoped, s.keep(unscoped), "keeping a tensor of no scope is a no-op");
        }
        assertFalse(unscoped.isReleased(), "a scope releases only what was made inside it");
        unscoped.close();
    }

    @Test
    void scopesMustBeClosedInOrderAndOnTheirThread() throws Exception {
        Scope outer = Scope.open();
        Scope inner = Scope.open();
        try {
            assertThrows(IllegalStateException.class, outer::close);
            Exception e = CompletableFuture.supplyAsync(() -> {
                try {
                    inner.close();
                    return null;
                } catch (IllegalStateException x) {
                    return x;
                }
            }).get();
            assertTrue(e instanceof IllegalStateException && e.getMessage().contains("thread"), String.valueOf(e));
        } finally {
            inner.close();
            outer.close();
        }
        assertEquals(null, Scope.current());
        Tensor t;
        try (Scope s = Scope.open()) {
            t = Tensor.ones(1);
        }
        Scope closed = Scope.open();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.keep(t));
    }

    // ------------------------------------------------------------------ use after release

    private static void assertReleasedUse(Tensor t, String shape, Consumer<Tensor> use) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> use.accept(t));
        String m = e.getMessage();
        assertTrue(m.contains(shape), "names the shape: " + m);
        assertTrue(m.contains("released"), m);
        assertTrue(m.contains("MemoryAndScopeTest"), "names where it was released: " + m);
    }

    @Test
    void usingAReleasedTensorThrowsAndNamesShapeAndReleaseSite() {
        Tensor t;
        try (Scope s = Scope.open()) {
            t = Tensor.ones(2, 3);
        }
        String shape = "[2, 3]";
        try (Scope s = Scope.open()) { // releases the other operands made below
            Tensor live = Tensor.ones(2, 3);
            assertReleasedUse(t, shape, x -> x.add(1.0));
            assertReleasedUse(t, shape, Tensor::exp);
            assertReleasedUse(t, shape, Tensor::sum);
            assertReleasedUse(t, shape, x -> x.view(6));
            assertReleasedUse(t, shape, Tensor::t);
            assertReleasedUse(t, shape, Tensor::toFloatArray);
            assertReleasedUse(t, shape, Tensor::item);
            assertReleasedUse(t, shape, Tensor::segment);
            assertReleasedUse(t, shape, x -> x.add_(1.0));
            assertReleasedUse(t, shape, x -> x.matmul(Tensor.ones(3, 1)));
            assertReleasedUse(t, shape, x -> Tensor.cat(java.util.List.of(x, x), 0));
            assertReleasedUse(t, shape, x -> x.softmax(0));
            assertReleasedUse(t, shape, x -> x.to(DType.FLOAT64));
            assertReleasedUse(t, shape, x -> live.add(x));
            assertReleasedUse(t, shape, x -> live.copy_(x));
            assertReleasedUse(t, shape, x -> Tensor.where(live.gt(0.0), x, live));
        }
        Tensor c = Tensor.zeros(4);
        c.close();
        c.close(); // twice is harmless
        IllegalStateException e = assertThrows(IllegalStateException.class, c::toFloatArray);
        assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("close()"), e.getMessage());
    }

    @Test
    void aViewKeepsItsStorageAliveAndAReleasedViewThrows() {
        Tensor view;
        try (Scope s = Scope.open()) {
            Tensor base = Tensor.arange(DType.FLOAT32, 0, 64, 1);
            view = s.keep(base.narrow(0, 60, 4));
        }
        // The base is released, its view is not: the memory must still hold the base's values
        // even after the cache hands out blocks of the same class again.
        try (Scope s = Scope.open()) {
            for (int i = 0; i < 4; i++) Tensor.full(-1, 64);
            assertArrayEquals(new float[] {60, 61, 62, 63}, view.toFloatArray());
        }
        view.close();
        Tensor v2;
        try (Scope s = Scope.open()) {
            v2 = Tensor.ones(5, 5).select(0, 1);
        }
        assertReleasedUse(v2, "[5]", Tensor::toFloatArray);
        assertReleasedUse(v2, "[5]", x -> x.view(5));
    }

    @Test
    void aSegmentOfAReleasedTensorCannotBeRead() {
        MemorySegment seg;
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.full(3, 16);
            seg = t.segment();
            assertEquals(3f, seg.getAtIndex(ValueLayout.JAVA_FLOAT, 15));
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 5f);
            assertEquals(5.0, t.select(0, 0).item(), "the segment is the tensor's memory");
        }
        // The block is back in the cache and may already belong to another tensor.
        try (Scope s = Scope.open()) {
            Tensor other = Tensor.full(9, 16);
            assertThrows(IllegalStateException.class, () -> seg.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
            assertThrows(IllegalStateException.class, () -> seg.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 1f));
            assertArrayEquals(new float[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, other.toFloatArray());
        }
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.full(1, 8);
            Tensor v = s.keep(t.narrow(0, 2, 4));
            MemorySegment vs = v.segment();
            t.close();
            assertEquals(1f, vs.getAtIndex(ValueLayout.JAVA_FLOAT, 3), "a view's segment lives while the view does");
            v.close();
            assertThrows(IllegalStateException.class, () -> vs.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        }
    }

    private static void dropAnUnreleasedTensor() {
        Tensor.full(1, 1234); // made outside any scope and never closed
    }

    /** Tests run with -Dpanagrad.leakCheck=true: the garbage collector's safety net reports the leak. */
    @Test
    void anUnreleasedTensorIsReportedAsALeakWithItsAllocationSite() throws InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("panagrad.leakCheck"), "needs -Dpanagrad.leakCheck=true");
        int before = Memory.leaks().size();
        dropAnUnreleasedTensor();
        for (int i = 0; i < 100 && Memory.leaks().stream().noneMatch(l -> l.contains("dropAnUnreleasedTensor")); i++) {
            System.gc();
            Thread.sleep(20);
        }
        java.util.List<String> leaks = Memory.leaks();
        assertTrue(leaks.size() > before, "the leak was found");
        assertTrue(leaks.stream().anyMatch(l -> l.contains("never released") && l.contains("dropAnUnreleasedTensor")),
                String.join("\n", leaks));
    }

    @Test
    void gradientsOfReleasedTensorsAreReleasedToo() {
        long before = Memory.stats().liveBytes();
        try (Scope s = Scope.open()) {
            Tensor w = Tensor.randn(10, 10).requiresGrad_();
            w.exp().sum().backward();
            Tensor g = w.grad();
            assertArrayEquals(w.exp().toFloatArray(), g.toFloatArray(), 1e-6f);
        }
        assertEquals(before, Memory.stats().liveBytes());
    }
}
