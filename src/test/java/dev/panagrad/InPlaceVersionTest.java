package dev.panagrad;

import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In-place ops write the right values (hand-computed, or as PyTorch 1.13 computes the same
 * call), return the tensor itself, and bump the storage's version counter by one, which
 * every view of the storage shares. A rejected in-place op changes neither values nor version.
 */
class InPlaceVersionTest {
    private static final float[] X = {-1.5f, 0f, 2.5f, 4f};

    /** Applies {@code op} to a fresh copy of X and checks the result, the returned object and the version. */
    private static void check(String name, float[] expected, java.util.function.UnaryOperator<Tensor> op) {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(X);
            assertEquals(0, x.version());
            Tensor r = op.apply(x);
            assertSame(x, r, name + " returns the tensor itself");
            assertEquals(1, x.version(), name + " bumps the version once");
            assertArrayEquals(expected, x.toFloatArray(), 1e-6f, name);
        }
    }

    @Test
    void everyInPlaceOpWritesAndBumpsTheVersionOnce() {
        Tensor[] other = new Tensor[1];
        try (Scope keep = Scope.open()) {
            other[0] = Tensor.of(new float[] {2, 4, 5, 8});
            Tensor o = other[0];
            check("add_(t)", new float[] {0.5f, 4, 7.5f, 12}, x -> x.add_(o));
            check("add_(t, 2)", new float[] {2.5f, 8, 12.5f, 20}, x -> x.add_(o, 2));
            check("add_(s)", new float[] {-0.5f, 1, 3.5f, 5}, x -> x.add_(1.0));
            check("sub_(t)", new float[] {-3.5f, -4, -2.5f, -4}, x -> x.sub_(o));
            check("sub_(ones, 2)", new float[] {-3.5f, -2, 0.5f, 2}, x -> x.sub_(Tensor.ones(4), 2)); // PyTorch: [-3.5, -2, .5, 2]
            check("sub_(s)", new float[] {-2, -0.5f, 2, 3.5f}, x -> x.sub_(0.5));
            check("mul_(t)", new float[] {-3, 0, 12.5f, 32}, x -> x.mul_(o));
            check("mul_(s)", new float[] {3, 0, -5, -8}, x -> x.mul_(-2.0));
            check("div_(t)", new float[] {-0.75f, 0, 0.5f, 0.5f}, x -> x.div_(o));               // PyTorch: [-.75, 0, .5, .5]
            check("div_(s)", new float[] {-0.375f, 0, 0.625f, 1}, x -> x.div_(4.0));
            check("zero_", new float[] {0, 0, 0, 0}, Tensor::zero_);
            check("fill_", new float[] {7, 7, 7, 7}, x -> x.fill_(7));
            check("copy_", new float[] {2, 4, 5, 8}, x -> x.copy_(o));
            check("clamp_", new float[] {-1, 0, 2.5f, 3}, x -> x.clamp_(-1, 3));                 // PyTorch: [-1, 0, 2.5, 3]
            check("clamp_(min only)", new float[] {0, 0, 2.5f, 4}, x -> x.clamp_(0, Double.NaN));
            check("relu_", new float[] {0, 0, 2.5f, 4}, Tensor::relu_);                          // PyTorch: [0, 0, 2.5, 4]
            check("add_(int64)", new float[] {-0.5f, 2, 5.5f, 8}, x -> x.add_(Tensor.of(new long[] {1, 2, 3, 4})));
            check("mul_(broadcast)", new float[] {-3, 0, 5, 8}, x -> x.mul_(Tensor.scalar(2)));
        }
    }

    @Test
    void integerInPlaceOps() {
        try (Scope s = Scope.open()) {
            Tensor i = Tensor.of(new long[] {1, 2, 3});
            i.copy_(Tensor.of(new float[] {1.9f, -1.9f, 0.2f}));        // PyTorch: tensor([ 1, -1,  0])
            assertArrayEquals(new long[] {1, -1, 0}, i.toLongArray());
            i.add_(Tensor.of(new long[] {10, 10, 10}));
            i.mul_(3);
            assertArrayEquals(new long[] {33, 27, 30}, i.toLongArray());
            Tensor c = Tensor.of(new long[] {5, -3});
            c.clamp_(0, 4);                                                // PyTorch: tensor([4, 0])
            assertArrayEquals(new long[] {4, 0}, c.toLongArray());
            assertEquals(3, i.version());
            Tensor b = Tensor.of(new boolean[] {true, false});
            b.fill_(1);
            assertArrayEquals(new boolean[] {true, true}, b.toBooleanArray());
            assertEquals(1, b.version());
        }
    }

    @Test
    void viewsShareTheCounterInBothDirections() {
        try (Scope s = Scope.open()) {
            Tensor base = Tensor.zeros(4, 5);
            Tensor t = base.t();
            Tensor col = base.select(1, 3);
            Tensor stepped = base.slice(1, 0, 5, 2);
            Tensor flat = base.view(20);
            t.narrow(0, 1, 1).fill_(2);         // column 1 of base
            assertEquals(1, base.version());
            col.add_(1.0);                      // column 3
            stepped.mul_(10.0);                 // columns 0, 2, 4
            flat.select(0, 0).add_(1.0);        // element [0, 0]
            for (Tensor v : new Tensor[] {base, t, col, stepped, flat}) assertEquals(4, v.version());
            assertArrayEquals(new float[] {1, 2, 0, 1, 0, 0, 2, 0, 1, 0, 0, 2, 0, 1, 0, 0, 2, 0, 1, 0}, base.toFloatArray());
            base.zero_();
            assertEquals(5, col.version(), "a write to the base shows in every view");
            assertEquals(0, base.clone().version(), "a clone starts its own counter");
            assertEquals(5, base.detach().version(), "detach shares the counter");
        }
    }

    @Test
    void inPlaceOnANonContiguousViewWritesOnlyItsElements() {
        try (Scope s = Scope.open()) {
            Tensor base = Tensor.arange(DType.FLOAT32, 0, 12, 1).reshape(3, 4);
            Tensor v = base.t().slice(0, 1, 4, 2);          // columns 1 and 3, transposed: shape [2, 3]
            v.add_(Tensor.of(new float[] {100, 200, 300}));  // broadcast over the 2 rows of v
            assertArrayEquals(new float[] {0, 101, 2, 103, 4, 205, 6, 207, 8, 309, 10, 311}, base.toFloatArray());
            v.relu_();
            v.clamp_(0, 250);
            assertArrayEquals(new float[] {0, 101, 2, 103, 4, 205, 6, 207, 8, 250, 10, 250}, base.toFloatArray());
            assertEquals(3, base.version());
        }
    }

    @Test
    void overlappingSourceIsReadBeforeItIsWritten() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4});
            x.narrow(0, 0, 3).add_(x.narrow(0, 1, 3));   // x[0:3] += x[1:4], each read before any write
            assertArrayEquals(new float[] {3, 5, 7, 4}, x.toFloatArray());
            Tensor y = Tensor.of(new float[] {1, 2, 3, 4});
            y.narrow(0, 1, 3).copy_(y.narrow(0, 0, 3));  // shift right
            assertArrayEquals(new float[] {1, 1, 2, 3}, y.toFloatArray());
            Tensor m = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
            m.copy_(m.t());
            assertArrayEquals(new float[] {1, 3, 2, 4}, m.toFloatArray(), "transpose in place via copy_");
        }
    }

    private static void rejected(Tensor x, Class<? extends Throwable> type, String mustContain, Consumer<Tensor> op) {
        float[] before = x.toFloatArray();
        int version = x.version();
        Throwable e = assertThrows(type, () -> op.accept(x));
        assertTrue(e.getMessage().contains(mustContain), e.getMessage());
        assertArrayEquals(before, x.toFloatArray(), "a rejected in-place op changes no value");
        assertEquals(version, x.version(), "a rejected in-place op leaves the version");
    }

    @Test
    void rejectedInPlaceOpsChangeNothing() {
        try (Scope s = Scope.open()) {
            Tensor f = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            rejected(f, ShapeMismatchException.class, "[2, 3]", x -> x.add_(Tensor.ones(3, 3)));
            rejected(f, ShapeMismatchException.class, "[2, 3]", x -> x.mul_(Tensor.ones(2, 2, 3))); // would grow self
            rejected(f, ShapeMismatchException.class, "[2, 3]", x -> x.copy_(Tensor.ones(2)));
            Tensor e = Tensor.of(new float[] {1, 2}).expand(3, 2);
            rejected(e, IllegalStateException.class, "expanded", x -> x.add_(1.0));
            rejected(e, IllegalStateException.class, "expanded", Tensor::zero_);
            Tensor i = Tensor.of(new long[] {1, 2});
            rejected(i, DTypeMismatchException.class, "int64", x -> x.add_(0.5));
            rejected(i, DTypeMismatchException.class, "int64", x -> x.div_(2.0));
            rejected(i, DTypeMismatchException.class, "int64", x -> x.add_(Tensor.of(new float[] {1, 1})));
            rejected(i, DTypeMismatchException.class, "int64", x -> x.div_(Tensor.of(new long[] {1, 1})));
            rejected(i, DTypeMismatchException.class, "int64", x -> x.fill_(0.5));
            Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad_();
            rejected(w, AutogradException.class, "leaf", x -> x.mul_(2.0));
            rejected(w, AutogradException.class, "leaf", x -> x.select(0, 0).fill_(0));
        }
    }

    @Test
    void aWriteThroughAViewIsCaughtByAutograd() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad_();
            Tensor y = x.exp();                      // saves its output at version 0
            Tensor z = y.sum();
            y.detach().select(0, 1).mul_(2.0);       // another tensor object, the same storage
            AutogradException e = assertThrows(AutogradException.class, z::backward);
            assertEquals(AutogradException.Kind.INPLACE_MODIFIED, e.kind());
        }
    }
}
