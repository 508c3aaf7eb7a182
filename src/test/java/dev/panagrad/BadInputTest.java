package dev.panagrad;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad arguments get a clear exception of the documented type whose message names the op
 * and the shapes (or the dim, index or dtype at fault), and the failed call changes no
 * tensor: every operand keeps its values and version, and no memory stays allocated.
 */
class BadInputTest {

    /** Runs {@code op}, which must throw {@code type} with every string of {@code words} in its message. */
    private static <E extends Throwable> E fails(Class<E> type, Executable op, List<String> words, Tensor... operands) {
        double[][] values = new double[operands.length][];
        int[] versions = new int[operands.length];
        for (int i = 0; i < operands.length; i++) {
            values[i] = operands[i].toDoubleArray();
            versions[i] = operands[i].version();
        }
        long live = Memory.stats().liveBytes();
        E e = assertThrows(type, op);
        assertEquals(live, Memory.stats().liveBytes(), "the failed op left no memory allocated: " + e.getMessage());
        String m = e.getMessage();
        for (String w : words) assertTrue(m.contains(w), "message should contain '" + w + "': " + m);
        for (int i = 0; i < operands.length; i++) {
            assertArrayEquals(values[i], operands[i].toDoubleArray(), "operand " + i + " unchanged after: " + m);
            assertEquals(versions[i], operands[i].version(), "operand " + i + " version unchanged after: " + m);
        }
        return e;
    }

    @Test
    void broadcastMismatchNamesTheOpAndBothShapes() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.randn(2, 3), b = Tensor.randn(4);
            fails(ShapeMismatchException.class, () -> a.add(b), List.of("add", "[2, 3]", "[4]"), a, b);
            fails(ShapeMismatchException.class, () -> a.sub(b), List.of("sub", "[2, 3]", "[4]"), a, b);
            fails(ShapeMismatchException.class, () -> a.mul(b), List.of("mul", "[2, 3]", "[4]"), a, b);
            fails(ShapeMismatchException.class, () -> a.div(b), List.of("div", "[2, 3]", "[4]"), a, b);
            fails(ShapeMismatchException.class, () -> a.pow(b), List.of("pow", "[2, 3]", "[4]"), a, b);
            fails(ShapeMismatchException.class, () -> a.maximum(b), List.of("maximum", "[2, 3]", "[4]"), a, b);
            fails(ShapeMismatchException.class, () -> a.lt(b), List.of("lt", "[2, 3]", "[4]"), a, b);
            Tensor a33 = Tensor.randn(3, 3);
            fails(ShapeMismatchException.class, () -> a.add(a33), List.of("add", "[2, 3]", "[3, 3]"), a, a33);
            Tensor c = a.gt(0.0);
            fails(ShapeMismatchException.class, () -> Tensor.where(c, a, b), List.of("where", "[2, 3]", "[4]"), c, a, b);
            fails(ShapeMismatchException.class, () -> a.expand(4, 3), List.of("expand", "[2, 3]"), a);
            Tensor i = Tensor.of(new long[] {1, 2});
            Tensor bi = b.to(DType.INT64);
            fails(ShapeMismatchException.class, () -> i.add(bi), List.of("add", "[2]", "[4]"), i, bi);
        }
    }

    @Test
    void matmulMismatchNamesTheShapes() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.randn(2, 3), b = Tensor.randn(4, 5);
            fails(ShapeMismatchException.class, () -> a.matmul(b), List.of("matmul", "[2, 3]", "[4, 5]"), a, b);
            fails(ShapeMismatchException.class, () -> a.mm(b), List.of("mm", "[2, 3]", "[4, 5]"), a, b);
            Tensor v = Tensor.randn(4);
            fails(ShapeMismatchException.class, () -> a.matmul(v), List.of("matmul", "[2, 3]", "[4]"), a, v);
            Tensor v3 = Tensor.randn(3);
            fails(ShapeMismatchException.class, () -> v.matmul(v3), List.of("matmul", "[4]", "[3]"), v, v3);
            fails(ShapeMismatchException.class, () -> v3.matmul(b), List.of("matmul", "[3]", "[4, 5]"), v3, b);
            Tensor x = Tensor.randn(2, 2, 3), y = Tensor.randn(3, 3, 4);
            fails(ShapeMismatchException.class, () -> x.matmul(y), List.of("matmul", "[2, 2, 3]", "[3, 3, 4]"), x, y);
            fails(ShapeMismatchException.class, () -> x.bmm(y), List.of("bmm", "[2, 2, 3]", "[3, 3, 4]"), x, y);
            fails(ShapeMismatchException.class, () -> a.bmm(b), List.of("bmm", "[2, 3]", "[4, 5]"), a, b);
            fails(ShapeMismatchException.class, () -> x.mm(y), List.of("mm", "[2, 2, 3]"), x, y);
            Tensor sc = Tensor.scalar(2);
            fails(ShapeMismatchException.class, () -> sc.matmul(a), List.of("matmul", "[]", "[2, 3]"), sc, a);
        }
    }

    @Test
    void viewAndReshapeMismatch() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.randn(2, 3);
            fails(ShapeMismatchException.class, () -> a.view(4), List.of("view", "[4]", "[2, 3]", "6"), a);
            fails(ShapeMismatchException.class, () -> a.reshape(4, -1), List.of("reshape", "[4, -1]", "[2, 3]"), a);
            fails(ShapeMismatchException.class, () -> a.view(-1, -1), List.of("view", "-1"), a);
            fails(ShapeMismatchException.class, () -> a.view(-2, 3), List.of("view", "-2"), a);
            fails(IllegalStateException.class, () -> a.t().view(6), List.of("view", "[6]", "[3, 2]"), a);
        }
    }

    @Test
    void catAndStackMismatch() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.randn(2, 3), b = Tensor.randn(2, 4), c = Tensor.randn(2, 3, 1);
            fails(ShapeMismatchException.class, () -> Tensor.cat(List.of(a, b), 0), List.of("cat", "[2, 3]", "[2, 4]"), a, b);
            fails(ShapeMismatchException.class, () -> Tensor.cat(List.of(a, c), 1), List.of("cat", "[2, 3]", "[2, 3, 1]"), a, c);
            fails(ShapeMismatchException.class, () -> Tensor.stack(List.of(a, b), 0), List.of("stack", "[2, 3]", "[2, 4]"), a, b);
            fails(IndexOutOfBoundsException.class, () -> Tensor.cat(List.of(a, a), 2), List.of("cat", "2"), a);
            fails(IndexOutOfBoundsException.class, () -> Tensor.stack(List.of(a, a), 3), List.of("stack", "3"), a);
            fails(IllegalArgumentException.class, () -> Tensor.cat(List.of(), 0), List.of("cat"));
        }
    }

    @Test
    void dtypeMismatch() {
        try (Scope s = Scope.open()) {
            Tensor f = Tensor.randn(2, 2), d = Tensor.randn(DType.FLOAT64, 2, 2), i = Tensor.of(new long[] {0, 1});
            fails(DTypeMismatchException.class, () -> f.matmul(d), List.of("matmul", "float32", "float64"), f, d);
            Tensor fi = Tensor.of(new float[] {0, 1});
            fails(DTypeMismatchException.class, () -> f.indexSelect(0, fi), List.of("index_select", "int64", "float32"), f, fi);
            fails(DTypeMismatchException.class, () -> f.gather(0, f), List.of("gather", "int64", "float32"), f);
            fails(DTypeMismatchException.class, () -> Tensor.where(f, f, f), List.of("where", "bool", "float32"), f);
            fails(DTypeMismatchException.class, () -> i.mean(), List.of("mean", "int64"), i);
            fails(DTypeMismatchException.class, () -> i.softmax(0), List.of("softmax", "int64"), i);
            fails(DTypeMismatchException.class, () -> i.var(), List.of("var", "int64"), i);
            fails(DTypeMismatchException.class, () -> i.requiresGrad_(), List.of("int64"), i);
            Tensor b = Tensor.of(new boolean[] {true});
            fails(DTypeMismatchException.class, () -> b.neg(), List.of("neg", "bool"), b);
            fails(DTypeMismatchException.class, () -> b.sub(b), List.of("sub", "bool"), b);
            fails(DTypeMismatchException.class, () -> i.add_(f.select(0, 0)), List.of("add_", "int64", "float32"), i, f);
        }
    }

    @Test
    void indexOutOfRange() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.randn(3, 4);
            fails(IndexOutOfBoundsException.class, () -> a.select(0, 3), List.of("select", "3", "size 3"), a);
            fails(IndexOutOfBoundsException.class, () -> a.select(1, -5), List.of("select", "-5", "size 4"), a);
            fails(IndexOutOfBoundsException.class, () -> a.narrow(1, 2, 3), List.of("narrow", "(4)"), a);
            fails(IndexOutOfBoundsException.class, () -> a.narrow(0, -4, 1), List.of("narrow", "-4"), a);
            Tensor idx = Tensor.of(new long[] {0, 7});
            fails(IndexOutOfBoundsException.class, () -> a.indexSelect(0, idx), List.of("index_select", "7", "size 3"), a, idx);
            Tensor neg = Tensor.of(new long[] {-1});
            fails(IndexOutOfBoundsException.class, () -> a.indexSelect(1, neg), List.of("index_select", "-1", "size 4"), a, neg);
            Tensor g = Tensor.of(new long[] {0, 4, 1, 2}, 1, 4);
            fails(IndexOutOfBoundsException.class, () -> a.gather(0, g), List.of("gather", "4", "size 3"), a, g);
            fails(IndexOutOfBoundsException.class, () -> a.index(Index.at(3)), List.of("3", "size 3"), a);
            fails(IndexOutOfBoundsException.class, () -> a.index(Index.at(0), Index.at(0), Index.at(0)), List.of("index", "3"), a);
            Tensor t5 = Tensor.of(new long[] {5});
            fails(IndexOutOfBoundsException.class, () -> a.index(Index.all(), Index.tensor(t5)), List.of("index", "5", "size 4"), a, t5);
            Tensor t4 = Tensor.of(new long[] {-4});
            fails(IndexOutOfBoundsException.class, () -> a.index(Index.tensor(t4)), List.of("index", "size 3"), a, t4);
            Tensor mask = Tensor.of(new boolean[] {true, false});
            fails(ShapeMismatchException.class, () -> a.index(Index.tensor(mask)), List.of("index", "[2]", "[3, 4]"), a, mask);
            fails(IllegalStateException.class, a::item, List.of("item", "[3, 4]"), a);
        }
    }

    @Test
    void dimOutOfRange() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.randn(3, 4);
            List<String> w = List.of("out of range", "2 dimensions");
            fails(IndexOutOfBoundsException.class, () -> a.sum(2), cat("sum", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.sum(-3), cat("sum", "-3", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.mean(new int[] {0, 5}, false), cat("mean", "5", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.amax(2, true), cat("amax", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.max(2), cat("max", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.argmax(2, false), cat("argmax", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.var(2, true, false), cat("var", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.logsumexp(2, false), cat("logsumexp", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.norm(2, new int[] {3}, false), cat("norm", "3", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.softmax(2), cat("softmax", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.logSoftmax(-3), cat("log_softmax", "-3", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.transpose(0, 2), cat("transpose", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.unsqueeze(3), List.of("unsqueeze", "3"), a);
            fails(IndexOutOfBoundsException.class, () -> a.squeeze(2), cat("squeeze", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.select(2, 0), cat("select", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.narrow(2, 0, 1), cat("narrow", "2", w), a);
            fails(IndexOutOfBoundsException.class, () -> a.flatten(0, 2), cat("flatten", "2", w), a);
            Tensor i0 = Tensor.of(new long[] {0});
            fails(IndexOutOfBoundsException.class, () -> a.indexSelect(2, i0), cat("index_select", "2", w), a, i0);
            fails(IndexOutOfBoundsException.class, () -> a.size(2), cat("size", "2", w), a);
            fails(IllegalArgumentException.class, () -> a.permute(0), List.of("permute", "[3, 4]"), a);
            fails(IllegalArgumentException.class, () -> a.permute(0, 0), List.of("permute", "repeats"), a);
            fails(IllegalArgumentException.class, () -> a.sum(new int[] {1, -1}, false), List.of("sum", "more than once"), a);
            Tensor r3 = Tensor.randn(2, 2, 2);
            fails(IllegalArgumentException.class, r3::t, List.of("t", "[2, 2, 2]"), r3);
        }
    }

    private static List<String> cat(String op, String dim, List<String> rest) {
        java.util.ArrayList<String> r = new java.util.ArrayList<>(rest);
        r.add(op);
        r.add(dim);
        return r;
    }

    @Test
    void negativeSizes() {
        try (Scope s = Scope.open()) {
            fails(IllegalArgumentException.class, () -> Tensor.zeros(-1), List.of("zeros", "-1"));
            fails(IllegalArgumentException.class, () -> Tensor.ones(2, -3), List.of("ones", "-3", "[2, -3]"));
            fails(IllegalArgumentException.class, () -> Tensor.full(1.0, 2, -3), List.of("full", "[2, -3]"));
            fails(IllegalArgumentException.class, () -> Tensor.empty(DType.INT64, -2), List.of("empty", "-2"));
            fails(IllegalArgumentException.class, () -> Tensor.rand(-1, 2), List.of("rand", "-1"));
            fails(IllegalArgumentException.class, () -> Tensor.randn(3, -1), List.of("randn", "-1"));
            fails(IllegalArgumentException.class, () -> Tensor.randint(0, 5, -4), List.of("randint", "-4"));
            fails(IllegalArgumentException.class, () -> Tensor.eye(DType.FLOAT32, -1, 2), List.of("eye", "-1"));
            fails(IllegalArgumentException.class, () -> Tensor.linspace(0, 1, -2), List.of("linspace", "-2"));
            fails(IllegalArgumentException.class, () -> Tensor.arange(0, 5, -1), List.of("arange", "-1"));
            fails(IllegalArgumentException.class, () -> Tensor.arange(0, 5, 0), List.of("arange", "step"));
            fails(IllegalArgumentException.class, () -> Tensor.of(new float[] {1}, -1), List.of("of", "-1"));
            Tensor a = Tensor.ones(2);
            fails(ShapeMismatchException.class, () -> a.expand(-2, 2), List.of("expand", "-2"), a);
            fails(IllegalArgumentException.class, () -> a.slice(0, 0, 2, 0), List.of("slice", "step", "0"), a);
            fails(IllegalArgumentException.class, () -> a.slice(0, 0, 2, -1), List.of("slice", "step", "-1"), a);
        }
    }
}
