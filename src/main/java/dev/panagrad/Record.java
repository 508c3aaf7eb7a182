package dev.panagrad;

/**
 * How ops join the autograd graph: whether a node is needed at all (some input requires
 * grad and this thread is recording), making the node, and reducing broadcast gradients
 * back to an input's shape.
 */
final class Record {
    private Record() {}

    static boolean needed(Tensor a) {
        return a.requiresGrad && ThreadState.get().recording();
    }

    static boolean needed(Tensor a, Tensor b) {
        return (a.requiresGrad || b.requiresGrad) && ThreadState.get().recording();
    }

    static boolean needed(Tensor a, Tensor b, Tensor c) {
        return (a.requiresGrad || b.requiresGrad || (c != null && c.requiresGrad)) && ThreadState.get().recording();
    }

    static boolean needed(Tensor[] ts) {
        boolean any = false;
        for (Tensor t : ts) if (t != null && t.requiresGrad) any = true;
        return any && ThreadState.get().recording();
    }

    /** True while the current thread records (inside backward only with createGraph). */
    static boolean recording() {
        return ThreadState.get().recording();
    }

    /** Makes {@code out} the output of a new node over one input. */
    static void node(Tensor out, String name, FnNode.Backward fn, Tensor a, SavedTensor... saved) {
        attach(out, new FnNode(name, new Node[] {a.gradEdge()}, fn, saved));
    }

    /** Makes {@code out} the output of a new node over two inputs. */
    static void node(Tensor out, String name, FnNode.Backward fn, Tensor a, Tensor b, SavedTensor... saved) {
        attach(out, new FnNode(name, new Node[] {a.gradEdge(), b == null ? null : b.gradEdge()}, fn, saved));
    }

    /** Makes {@code out} the output of a new node over any inputs (null entries: no gradient). */
    static void nodeN(Tensor out, String name, FnNode.Backward fn, Tensor[] inputs, SavedTensor... saved) {
        Node[] next = new Node[inputs.length];
        for (int i = 0; i < inputs.length; i++) next[i] = inputs[i] == null ? null : inputs[i].gradEdge();
        attach(out, new FnNode(name, next, fn, saved));
    }

    /** Makes {@code node} the grad_fn of {@code out}, letting go of the one it replaces (in-place ops). */
    static void attach(Tensor out, Node node) {
        if (!out.dtype.isFloatingPoint()) return; // integer results never carry gradients
        Node old = out.gradFn;
        boolean oldCounted = !out.gradFnUncounted;
        node.retainRef();
        out.gradFn = node;
        out.gradFnUncounted = false;
        out.requiresGrad = true;
        if (old != null && oldCounted) old.releaseRef();
    }

    /** Sums a broadcast gradient back to {@code shape} (returns {@code g} itself when it already fits). */
    static Tensor sumTo(Tensor g, int[] shape) {
        if (java.util.Arrays.equals(g.shape, shape)) return g;
        int lead = g.shape.length - shape.length;
        int[] dims = new int[g.shape.length];
        int n = 0;
        for (int d = 0; d < g.shape.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && g.shape[d] != 1)) dims[n++] = d;
        }
        Tensor s = Reductions.sum(g, java.util.Arrays.copyOf(dims, n), true);
        if (lead == 0) return s;
        return ViewOps.reshape(s, shape);
    }
}
