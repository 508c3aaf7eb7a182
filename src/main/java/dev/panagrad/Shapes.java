package dev.panagrad;

import java.util.Arrays;

/** Shape arithmetic shared by the ops: broadcasting, strides, dimension wrapping, messages. */
final class Shapes {
    static final int[] SCALAR = new int[0];
    static final long[] NO_STRIDES = new long[0];

    private Shapes() {}

    static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    static long[] contiguousStrides(int[] shape) {
        int nd = shape.length;
        if (nd == 0) return NO_STRIDES;
        long[] st = new long[nd];
        long acc = 1;
        for (int d = nd - 1; d >= 0; d--) {
            st[d] = acc;
            acc *= Math.max(shape[d], 1);
        }
        return st;
    }

    static boolean isContiguous(int[] shape, long[] strides) {
        long expect = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expect) return false;
            expect *= shape[d];
        }
        return true;
    }

    /** PyTorch's "[2, 3]". */
    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Wraps a possibly negative dimension into [0, ndim), naming the op when out of range. */
    static int wrapDim(String op, int dim, int ndim) {
        int n = Math.max(ndim, 1); // a 0-d tensor accepts dim 0 and -1, as in PyTorch
        if (dim < -n || dim >= n) {
            throw new IndexOutOfBoundsException(op + ": dimension " + dim + " is out of range for a tensor with "
                    + ndim + " dimension" + (ndim == 1 ? "" : "s") + " (expected a value in [" + (-n) + ", " + (n - 1) + "])");
        }
        return dim < 0 ? dim + n : dim;
    }

    /** Wraps dims and marks them, rejecting repeats; null or empty means every dimension. */
    static boolean[] dimMask(String op, int[] dims, int ndim) {
        boolean[] mask = new boolean[ndim];
        if (dims == null || dims.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        for (int d : dims) {
            int w = wrapDim(op, d, ndim);
            if (ndim == 0) continue;
            if (mask[w]) throw new IllegalArgumentException(op + ": dimension " + d + " appears more than once in " + Arrays.toString(dims));
            mask[w] = true;
        }
        return mask;
    }

    /** NumPy broadcasting of two shapes. */
    static int[] broadcast(String op, int[] a, int[] b) {
        if (Arrays.equals(a, b)) return a;
        int nd = Math.max(a.length, b.length);
        int[] out = new int[nd];
        for (int i = 0; i < nd; i++) {
            int da = i - (nd - a.length) >= 0 ? a[i - (nd - a.length)] : 1;
            int db = i - (nd - b.length) >= 0 ? b[i - (nd - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new ShapeMismatchException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast together (dimension " + i + " is " + da + " vs " + db
                        + "; sizes must match or be 1)");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The strides of a tensor viewed at a broadcast shape (0 where it repeats). */
    static long[] broadcastStrides(int[] shape, long[] strides, int[] target) {
        int nd = target.length, off = nd - shape.length;
        long[] out = new long[nd];
        for (int i = 0; i < shape.length; i++) {
            out[i + off] = shape[i] == 1 && target[i + off] != 1 ? 0 : strides[i];
        }
        return out;
    }

    static void checkNonNegative(String op, int[] shape) {
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException(op + ": negative dimension " + s + " in shape " + str(shape));
        }
    }

    /** Resolves one -1 in a requested shape against {@code numel}. */
    static int[] inferSize(String op, int[] requested, long numel, int[] from) {
        int[] shape = requested.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) throw new ShapeMismatchException(op + ": only one dimension can be -1, got " + str(requested));
                infer = i;
            } else if (shape[i] < 0) {
                throw new ShapeMismatchException(op + ": invalid size " + shape[i] + " in " + str(requested));
            } else {
                known *= shape[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new ShapeMismatchException(op + ": shape " + str(requested) + " is invalid for input of size "
                        + numel + " (shape " + str(from) + ")");
            }
            shape[infer] = (int) (numel / known);
        } else if (known != numel) {
            throw new ShapeMismatchException(op + ": shape " + str(requested) + " is invalid for input of size "
                    + numel + " (shape " + str(from) + ")");
        }
        return shape;
    }
}
