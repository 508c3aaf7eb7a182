package dev.panagrad;

import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Views share storage and copy nothing; their shapes, strides and storage offsets are those
 * PyTorch 1.13 reports ({@code t.shape, t.stride(), t.storage_offset()}) for the same
 * expression, noted beside each; values are read back through the view.
 */
class ViewsTest {
    /** x = torch.arange(24).reshape(2, 3, 4) */
    private static Tensor x24() {
        return Tensor.arange(24).reshape(2, 3, 4);
    }

    private static long allocations() {
        return Memory.stats().allocations();
    }

    /** Runs {@code view} and checks it allocated nothing and shares x's storage. */
    private static Tensor noCopy(Tensor x, Supplier<Tensor> view) {
        long before = allocations();
        Tensor v = view.get();
        assertEquals(before, allocations(), "a view allocates nothing");
        assertSame(x.storage, v.storage, "a view shares its base's storage");
        return v;
    }

    private static void layout(Tensor t, int[] shape, long[] strides, long offset) {
        assertArrayEquals(shape, t.shape(), "shape");
        assertArrayEquals(strides, t.stride(), "strides");
        assertEquals(offset, t.storageOffset(), "storage offset");
    }

    @Test
    void transposePermuteAndT() {
        try (Scope s = Scope.open()) {
            Tensor x = x24();
            Tensor tr = noCopy(x, () -> x.transpose(0, 2));          // x.transpose(0, 2)
            layout(tr, new int[] {4, 3, 2}, new long[] {1, 4, 12}, 0);
            assertEquals(13, tr.select(0, 1).select(0, 0).select(0, 1).itemLong()); // x[1, 0, 1]
            Tensor p = noCopy(x, () -> x.permute(2, 0, 1));           // x.permute(2, 0, 1)
            layout(p, new int[] {4, 2, 3}, new long[] {1, 12, 4}, 0);
            assertEquals(x.select(0, 1).select(0, 2).select(0, 3).itemLong(), p.select(0, 3).select(0, 1).select(0, 2).itemLong());
            assertArrayEquals(new int[] {4, 2, 3}, x.permute(-1, 0, -2).shape());
            Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor t = noCopy(m, m::t);
            layout(t, new int[] {3, 2}, new long[] {1, 3}, 0);
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.toFloatArray());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.t().toFloatArray());
            Tensor v = Tensor.of(new float[] {1, 2});
            layout(v.t(), new int[] {2}, new long[] {1}, 0);
        }
    }

    @Test
    void viewSharesMemoryAndFailsWhenStridesForbidIt() {
        try (Scope s = Scope.open()) {
            Tensor x = x24();
            Tensor sl = noCopy(x, () -> x.slice(1, 0, 3, 2));          // x[:, ::2]
            layout(sl, new int[] {2, 2, 4}, new long[] {12, 8, 1}, 0);
            Tensor v4 = noCopy(x, () -> sl.view(2, 2, 2, 2));            // x[:, ::2].view(2, 2, 2, 2)
            layout(v4, new int[] {2, 2, 2, 2}, new long[] {12, 8, 2, 1}, 0);
            assertArrayEquals(sl.toLongArray(), v4.toLongArray());
            Tensor flat = noCopy(x, () -> x.view(-1));
            layout(flat, new int[] {24}, new long[] {1}, 0);
            flat.select(0, 5).fill_(-1);
            assertEquals(-1, x.select(0, 0).select(0, 1).select(0, 1).itemLong(), "writing through the view changes the base");

            Tensor y = Tensor.arange(DType.FLOAT32, 0, 12, 1).reshape(3, 4);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.t().view(12));
            assertTrue(e.getMessage().startsWith("view:") && e.getMessage().contains("[4, 3]")
                    && e.getMessage().contains("reshape"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> sl.view(2, 8));
            Tensor ex = Tensor.arange(4).expand(3, 4);
            layout(noCopy(ex, () -> ex.view(3, 2, 2)), new int[] {3, 2, 2}, new long[] {0, 2, 1}, 0); // expand(3, 4).view(3, 2, 2)
        }
    }

    @Test
    void reshapeIsAViewWhenPossibleAndACopyOtherwise() {
        try (Scope s = Scope.open()) {
            Tensor x = x24();
            Tensor r = noCopy(x, () -> x.reshape(4, -1));
            layout(r, new int[] {4, 6}, new long[] {6, 1}, 0);
            Tensor nar = x.narrow(0, 1, 1);
            layout(noCopy(x, () -> nar.reshape(3, 4)), new int[] {3, 4}, new long[] {4, 1}, 12);

            Tensor t = x.transpose(1, 2);
            long before = allocations();
            Tensor c = t.reshape(24);
            assertEquals(before + 1, allocations(), "the transposed layout forces one copy");
            assertNotSame(x.storage, c.storage);
            assertArrayEquals(t.toLongArray(), c.toLongArray());
            c.fill_(0);
            assertEquals(23, x.select(0, 1).select(0, 2).select(0, 3).itemLong(), "the copy is independent of the base");
        }
    }

    @Test
    void squeezeAndUnsqueeze() {
        try (Scope s = Scope.open()) {
            Tensor z = Tensor.zeros(1, 3, 1, 2);
            layout(noCopy(z, z::squeeze), new int[] {3, 2}, new long[] {2, 1}, 0);            // squeeze()
            layout(noCopy(z, () -> z.squeeze(2)), new int[] {1, 3, 2}, new long[] {6, 2, 1}, 0); // squeeze(2)
            layout(z.squeeze(1), new int[] {1, 3, 1, 2}, new long[] {6, 2, 2, 1}, 0);           // squeeze(1): size 3 stays
            layout(z.squeeze(-2), new int[] {1, 3, 2}, new long[] {6, 2, 1}, 0);
            Tensor t = x24().transpose(0, 2);
            layout(noCopy(t, () -> t.unsqueeze(1)), new int[] {4, 1, 3, 2}, new long[] {1, 12, 4, 12}, 0); // unsqueeze(1)
            layout(t.unsqueeze(-1), new int[] {4, 3, 2, 1}, new long[] {1, 4, 12, 1}, 0);                   // unsqueeze(-1)
            Tensor sc = Tensor.scalar(5);
            assertArrayEquals(new int[] {1}, sc.unsqueeze(0).shape());
            assertArrayEquals(new int[0], sc.unsqueeze(0).squeeze().shape());
            assertEquals(5.0, sc.unsqueeze(0).unsqueeze(0).item());
        }
    }

    @Test
    void expandRepeatsWithZeroStrides() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.of(new float[] {1, 2, 3, 4});
            Tensor e = noCopy(a, () -> a.expand(3, 4));                                  // arange(4).expand(3, 4)
            layout(e, new int[] {3, 4}, new long[] {0, 1}, 0);
            assertArrayEquals(new float[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, e.toFloatArray());
            Tensor col = Tensor.of(new float[] {1, 2}, 2, 1);
            Tensor e2 = col.expand(-1, 3);
            layout(e2, new int[] {2, 3}, new long[] {1, 0}, 0);
            assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, e2.toFloatArray());
            Tensor big = Tensor.zeros(2, 3, 4);
            layout(col.expandAs(Tensor.zeros(2, 3)).expand(4, 2, 3), new int[] {4, 2, 3}, new long[] {0, 1, 0}, 0);
            assertArrayEquals(new int[] {2, 3, 4}, Tensor.of(new float[] {7}).expandAs(big).shape());
            // Broadcasting in ops reads the same elements.
            assertArrayEquals(new float[] {11, 12, 13, 14, 21, 22, 23, 24, 31, 32, 33, 34},
                    a.add(Tensor.of(new float[] {10, 20, 30}, 3, 1)).toFloatArray());
            assertThrows(ShapeMismatchException.class, () -> a.expand(3, 5));
            e.select(0, 0).add_(Tensor.zeros(4)); // a row of an expanded view is a plain view
        }
    }

    @Test
    void narrowSliceWithStepsAndSelect() {
        try (Scope s = Scope.open()) {
            Tensor x = x24();
            Tensor n = noCopy(x, () -> x.narrow(2, 1, 2));                    // x.narrow(2, 1, 2)
            layout(n, new int[] {2, 3, 2}, new long[] {12, 4, 1}, 1);
            assertArrayEquals(new long[] {1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}, n.toLongArray());
            Tensor sel = noCopy(x, () -> x.select(1, -1));                    // x.select(1, -1)
            layout(sel, new int[] {2, 4}, new long[] {12, 1}, 8);
            assertArrayEquals(new long[] {8, 9, 10, 11, 20, 21, 22, 23}, sel.toLongArray());
            Tensor s2 = x.slice(0, 1, 2, 1).slice(1, 1, 3, 1).slice(2, 1, 4, 2);  // x[1:, 1:, 1::2]
            layout(s2, new int[] {1, 2, 2}, new long[] {12, 4, 2}, 17);
            assertArrayEquals(new long[] {17, 19, 21, 23}, s2.toLongArray());
            layout(x.slice(1, -2, 3, 1), new int[] {2, 2, 4}, new long[] {12, 4, 1}, 4); // x[:, -2:]
            Tensor stepped = Tensor.arange(10).slice(0, 1, 8, 3);               // arange(10)[1:8:3]
            assertArrayEquals(new long[] {1, 4, 7}, stepped.toLongArray());
            assertEquals(0, x.slice(1, 5, 10, 1).numel(), "a slice past the end is empty, as in Python");  // x[:, 5:]
            assertArrayEquals(new int[] {1, 3, 4}, x.slice(0, -5, 1, 1).shape()); // x[-5:1] clamps
            assertEquals(3, stepped.narrow(0, 1, 2).stride(0), "a narrow of a stepped slice keeps its stride");
            assertEquals(7, stepped.narrow(0, 1, 2).select(0, 1).itemLong());
        }
    }

    @Test
    void flattenContiguousCloneAndItem() {
        try (Scope s = Scope.open()) {
            Tensor x = x24();
            layout(noCopy(x, () -> x.flatten(1, -1)), new int[] {2, 12}, new long[] {12, 1}, 0);  // x.flatten(1)
            layout(x.flatten(), new int[] {24}, new long[] {1}, 0);
            layout(x.flatten(0, 1), new int[] {6, 4}, new long[] {4, 1}, 0);
            Tensor ft = x.transpose(1, 2).flatten(1, -1);                                        // copies, as in PyTorch
            layout(ft, new int[] {2, 12}, new long[] {12, 1}, 0);
            assertArrayEquals(new long[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, ft.select(0, 0).toLongArray());
            assertArrayEquals(new int[] {1}, Tensor.scalar(3).flatten().shape());

            assertSame(x, x.contiguous(), "contiguous() of a contiguous tensor is the tensor itself");
            Tensor t = x.permute(2, 0, 1);
            Tensor c = t.contiguous();
            assertTrue(c.isContiguous());
            assertFalse(t.isContiguous());
            assertNotSame(t.storage, c.storage);
            assertArrayEquals(t.toLongArray(), c.toLongArray());
            layout(c, new int[] {4, 2, 3}, new long[] {6, 3, 1}, 0);

            Tensor cl = x.clone();
            assertNotSame(x.storage, cl.storage);
            cl.add_(1.0);
            assertEquals(0, x.select(0, 0).select(0, 0).select(0, 0).itemLong(), "the clone has its own memory");
            assertEquals(0, x.version(), "and its own version counter");
            Tensor nc = x.slice(2, 0, 4, 3).clone();
            assertTrue(nc.isContiguous());
            assertArrayEquals(new long[] {0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23}, nc.toLongArray());

            assertEquals(23.0, x.select(0, -1).select(0, -1).select(0, -1).item());
            Tensor t2 = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).t();
            assertEquals(3.0, t2.select(0, 0).select(0, 1).item());
        }
    }

    @Test
    void pythonStyleIndexingMatchesPyTorch() {
        try (Scope s = Scope.open()) {
            Tensor x = x24();
            check(x.index(Index.at(1), Index.all(), Index.slice(1, 4, 2)), new int[] {3, 2}, 13, 15, 17, 19, 21, 23); // x[1, :, 1:4:2]
            check(x.index(Index.none(), Index.at(0)), new int[] {1, 3, 4}, range(0, 12));                           // x[None, 0]
            check(x.index(Index.at(0), Index.slice(-2, null), Index.slice(null, null, 3)), new int[] {2, 2}, 4, 7, 8, 11); // x[0, -2:, ::3]
            check(x.index(Index.ellipsis(), Index.at(0)), new int[] {2, 3}, 0, 4, 8, 12, 16, 20);                  // x[..., 0]
            Tensor basic = x.index(Index.at(1));
            assertSame(x.storage, basic.storage, "basic indexing is a view");

            Tensor i30 = Tensor.of(new long[] {3, 0});
            check(x.index(Index.ellipsis(), Index.tensor(i30)), new int[] {2, 3, 2}, 3, 0, 7, 4, 11, 8, 15, 12, 19, 16, 23, 20); // x[..., [3, 0]]
            check(x.index(Index.tensor(Tensor.of(new long[] {1, 0})), Index.all(), Index.tensor(Tensor.of(new long[] {2, 3}))),
                    new int[] {2, 3}, 14, 18, 22, 3, 7, 11);                                                      // x[[1, 0], :, [2, 3]]
            check(x.index(Index.all(), Index.tensor(Tensor.of(new long[] {0, 2})), Index.tensor(Tensor.of(new long[] {1, 3}))),
                    new int[] {2, 2}, 1, 11, 13, 23);                                                             // x[:, [0, 2], [1, 3]]
            check(x.index(Index.tensor(Tensor.of(new long[] {-1}))), new int[] {1, 3, 4}, range(12, 24));            // x[[-1]]
            check(x.index(Index.all(), Index.tensor(Tensor.of(new long[] {0, 1, 2, 2}, 2, 2))), new int[] {2, 2, 2, 4},
                    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 20, 21, 22, 23);
            check(x.transpose(0, 2).index(Index.tensor(Tensor.of(new long[] {1}))), new int[] {1, 3, 2}, 1, 13, 5, 17, 9, 21);
            check(x.indexSelect(2, Tensor.of(new long[] {3, 3, 0})).select(0, 0), new int[] {3, 3}, 3, 3, 0, 7, 7, 4, 11, 11, 8);

            // Bool masks: x[x > 20] and a mask over the first two dims.
            check(x.index(Index.tensor(x.gt(20.0))), new int[] {3}, 21, 22, 23);
            Tensor mask = Tensor.of(new boolean[] {true, false, true, false, false, true}, 2, 3);
            check(x.index(Index.tensor(mask)), new int[] {3, 4}, 0, 1, 2, 3, 8, 9, 10, 11, 20, 21, 22, 23);
            check(x.index(Index.tensor(x.lt(0.0))), new int[] {0});
            Tensor adv = x.index(Index.tensor(Tensor.of(new long[] {1, 0})));
            assertNotSame(x.storage, adv.storage, "advanced indexing copies");
        }
    }

    private static long[] range(int from, int to) {
        long[] r = new long[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    private static void check(Tensor t, int[] shape, long... values) {
        assertArrayEquals(shape, t.shape(), "shape");
        assertArrayEquals(values, t.toLongArray());
    }

    @Test
    void viewsShareTheVersionCounterAndWritesSeeTheRightElements() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(3, 4);
            Tensor col = x.select(1, 2);
            Tensor row = x.narrow(0, 1, 1);
            col.fill_(5);
            assertEquals(1, x.version());
            assertEquals(1, row.version());
            row.add_(1.0);
            assertEquals(2, col.version());
            assertArrayEquals(new float[] {0, 0, 5, 0, 1, 1, 6, 1, 0, 0, 5, 0}, x.toFloatArray());
            Tensor stepped = x.slice(1, 1, 4, 2);        // columns 1 and 3
            stepped.mul_(0.0);
            assertArrayEquals(new float[] {0, 0, 5, 0, 1, 0, 6, 0, 0, 0, 5, 0}, x.toFloatArray());
            assertNotEquals(0, x.version());
        }
    }
}
