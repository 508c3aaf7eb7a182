package dev.panagrad;

import dev.panagrad.backend.BinaryOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * Runs backward: discovers the graph below the roots with a depth-first walk that counts
 * each node's incoming edges, then executes nodes as their counts reach zero, summing the
 * gradients that arrive at each. Everything it allocates is owned by a private scope and
 * released as soon as it is consumed; saved tensors are released as each node finishes
 * unless the graph is retained. With createGraph the backward ops are themselves recorded
 * and their results belong to the caller's scope.
 */
final class Engine {
    private static final AtomicLong EPOCHS = new AtomicLong();
    /** Node executions, for tests that check frozen subgraphs do no work. */
    static final LongAdder EXECUTED = new LongAdder();

    private Engine() {}

    static void backward(Tensor root, Tensor gradient, boolean retainGraph, boolean createGraph) {
        root.checkAlive("backward");
        if (!root.requiresGrad) {
            throw new AutogradException(AutogradException.Kind.NO_GRAD_FN,
                    "backward: the tensor does not require grad and does not have a grad_fn. Call requiresGrad_() on "
                            + "the leaves you want gradients for before computing it (and not under noGrad)");
        }
        checkSeed("backward", root, gradient, 0);
        new Run(retainGraph, createGraph, null).execute(new Tensor[] {root}, new Tensor[] {gradient});
    }

    static Tensor[] grad(Tensor[] outputs, Tensor[] gradOutputs, Tensor[] inputs, boolean retainGraph,
                         boolean createGraph, boolean allowUnused) {
        if (outputs.length == 0) throw new IllegalArgumentException("grad: no outputs given");
        if (gradOutputs != null && gradOutputs.length != outputs.length) {
            throw new IllegalArgumentException("grad: got " + gradOutputs.length + " gradOutputs for " + outputs.length + " outputs");
        }
        for (int i = 0; i < outputs.length; i++) {
            outputs[i].checkAlive("grad");
            if (!outputs[i].requiresGrad) {
                throw new AutogradException(AutogradException.Kind.NO_GRAD_FN,
                        "grad: output " + i + " does not require grad and does not have a grad_fn");
            }
            checkSeed("grad", outputs[i], gradOutputs == null ? null : gradOutputs[i], i);
        }
        Node[] capture = new Node[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i].checkAlive("grad");
            if (!inputs[i].requiresGrad) {
                throw new AutogradException(AutogradException.Kind.NO_GRAD_FN,
                        "grad: input " + i + " does not require grad, so it has no gradient; call requiresGrad_() on it "
                                + "before computing the outputs");
            }
            capture[i] = inputs[i].gradEdge();
        }
        Run run = new Run(retainGraph, createGraph, capture);
        run.execute(outputs, gradOutputs == null ? new Tensor[outputs.length] : gradOutputs);
        for (int i = 0; i < inputs.length; i++) {
            if (run.captured[i] == null && !allowUnused) {
                for (Tensor t : run.captured) if (t != null) t.close();
                throw new AutogradException(AutogradException.Kind.UNUSED_INPUT,
                        "grad: input " + i + " (shape " + Shapes.str(inputs[i].shape) + ") appears not to have been "
                                + "used in the graph. Pass allowUnused=true if this is the desired behaviour");
            }
        }
        return run.captured;
    }

    /**
     * The existing {@code .grad()} of the leaf behind input {@code i} of {@code node} when the
     * node may add its gradient for that input straight into it (a GEMM with beta = 1 instead
     * of a temporary and an addition): during a plain backward (not createGraph, not
     * Autograd.grad), for a live leaf with a contiguous gradient of its dtype and no hooks.
     * The caller then returns null for that input; the version of the grad must be bumped.
     * Null when the gradient has to go the usual way.
     */
    static Tensor gradIntoLeaf(Node node, int i) {
        if (!(ThreadState.get().backwardRun instanceof Run run) || run.createGraph || run.capture != null) return null;
        if (!(node.next[i] instanceof AccumulateGrad acc) || acc.preHooks != null) return null;
        Tensor leaf = acc.leaf, g = leaf.grad;
        if (leaf.isReleased() || g == null || g.isReleased() || !g.isContiguous() || g.dtype != leaf.dtype) return null;
        return g;
    }

    private static void checkSeed(String op, Tensor out, Tensor g, int i) {
        if (g == null) {
            if (out.numel != 1) {
                throw new AutogradException(AutogradException.Kind.GRAD_NON_SCALAR,
                        op + ": grad can be implicitly created only for scalar outputs; output " + i + " has shape "
                                + Shapes.str(out.shape) + ", so pass a gradient of that shape (e.g. backward(ones))");
            }
            return;
        }
        g.checkAlive(op);
        if (!Arrays.equals(g.shape, out.shape)) {
            throw new ShapeMismatchException(op + ": the gradient has shape " + Shapes.str(g.shape) + " but output " + i
                    + " has shape " + Shapes.str(out.shape));
        }
        if (g.dtype != out.dtype) {
            throw new DTypeMismatchException(op + ": the gradient has dtype " + g.dtype.pyName() + " but output " + i
                    + " has dtype " + out.dtype.pyName());
        }
    }

    /** One backward pass. */
    private static final class Run {
        final boolean retainGraph, createGraph;
        final Node[] capture;
        final Tensor[] captured;
        final long epoch = EPOCHS.incrementAndGet();
        final List<Node> discovered = new ArrayList<>();
        final ThreadState ts = ThreadState.get();
        final Scope userScope = ts.scope;
        final Scope work;

        Run(boolean retainGraph, boolean createGraph, Node[] capture) {
            this.retainGraph = retainGraph;
            this.createGraph = createGraph;
            this.capture = capture;
            this.captured = capture == null ? null : new Tensor[capture.length];
            this.work = createGraph ? userScope : Scope.detached(ts);
        }

        void execute(Tensor[] roots, Tensor[] grads) {
            boolean prevGrad = ts.gradEnabled;
            Object prevRun = ts.backwardRun;
            Scope prevScope = ts.scope;
            try {
                ts.gradEnabled = createGraph;
                ts.backwardRun = this;
                if (!createGraph) ts.scope = work;
                Node[] rootNodes = new Node[roots.length];
                for (int i = 0; i < roots.length; i++) rootNodes[i] = roots[i].gradEdge();
                discover(rootNodes);
                for (int i = 0; i < roots.length; i++) {
                    Tensor seed = seed(roots[i], grads[i]);
                    Node n = rootNodes[i];
                    n.pendingGrad = n.pendingGrad == null ? seed : accumulate(n, n.pendingGrad, seed);
                }
                Node[] ready = new Node[Math.max(4, discovered.size())];
                int top = 0;
                for (Node n : rootNodes) {
                    if (n.pendingDeps == 0 && !contains(ready, top, n)) ready[top++] = n;
                }
                while (top > 0) {
                    Node n = ready[--top];
                    ready[top] = null;
                    Tensor g = n.pendingGrad;
                    n.pendingGrad = null;
                    if (g != null && n.preHooks != null) g = runHooks(n, g);
                    if (capture != null && g != null) capture(n, g);
                    if (n instanceof AccumulateGrad acc) {
                        if (capture == null && g != null) accumulateLeaf(acc.leaf, g);
                        else dispose(g);
                        continue;
                    }
                    if (!n.needed) {
                        dispose(g);
                        continue;
                    }
                    Tensor[] out = g == null ? new Tensor[n.next.length] : apply(n, g);
                    if (!retainGraph) n.releaseSaved();
                    // Leaves' accumulators go on the stack last so they run first: a weight gradient is
                    // added into .grad and freed at once instead of waiting for the rest of the graph
                    // (50 layers would otherwise hold 50 weight gradients at the peak).
                    for (int pass = 0; pass < 2; pass++) {
                        for (int i = 0; i < n.next.length; i++) {
                            Node c = n.next[i];
                            if (c == null || (c instanceof AccumulateGrad) != (pass == 1)) continue;
                            Tensor r = out[i];
                            if (r != null) c.pendingGrad = c.pendingGrad == null ? r : accumulate(c, c.pendingGrad, r);
                            if (--c.pendingDeps == 0) {
                                if (top == ready.length) ready = Arrays.copyOf(ready, top * 2);
                                ready[top++] = c;
                            }
                        }
                    }
                }
            } finally {
                ts.gradEnabled = prevGrad;
                ts.backwardRun = prevRun;
                ts.scope = prevScope;
                for (Node n : discovered) {
                    Tensor p = n.pendingGrad;
                    n.pendingGrad = null;
                    if (p != null) dispose(p);
                }
                if (!createGraph) work.releaseAll();
            }
        }

        private static boolean contains(Node[] a, int n, Node x) {
            for (int i = 0; i < n; i++) if (a[i] == x) return true;
            return false;
        }

        /** Depth-first walk: counts incoming edges, and in grad mode marks the nodes that lead to an input. */
        private void discover(Node[] roots) {
            Node[] stack = new Node[64];
            int[] child = new int[64];
            for (Node r : roots) {
                if (r.epoch == epoch) continue;
                init(r);
                int sp = 0;
                stack[sp] = r;
                child[sp++] = 0;
                while (sp > 0) {
                    Node n = stack[sp - 1];
                    int i = child[sp - 1];
                    if (i < n.next.length) {
                        child[sp - 1] = i + 1;
                        Node c = n.next[i];
                        if (c == null) continue;
                        c.pendingDeps += c.epoch == epoch ? 1 : 0;
                        if (c.epoch != epoch) {
                            init(c);
                            c.pendingDeps = 1;
                            if (sp == stack.length) {
                                stack = Arrays.copyOf(stack, sp * 2);
                                child = Arrays.copyOf(child, sp * 2);
                            }
                            stack[sp] = c;
                            child[sp++] = 0;
                        }
                        continue;
                    }
                    // All children done: decide whether n is needed.
                    boolean need = capture == null || isCapture(n);
                    if (!need) {
                        for (Node c : n.next) {
                            if (c != null && c.needed) {
                                need = true;
                                break;
                            }
                        }
                    }
                    n.needed = need;
                    sp--;
                }
            }
        }

        private void init(Node n) {
            n.epoch = epoch;
            n.pendingDeps = 0;
            n.pendingGrad = null;
            n.needed = false;
            discovered.add(n);
        }

        private boolean isCapture(Node n) {
            for (Node c : capture) if (c == n) return true;
            return false;
        }

        private Tensor seed(Tensor root, Tensor given) {
            if (given == null) return Creation.full(root.dtype, 1, root.shape, "backward");
            return createGraph ? given.aliasWithGraph() : given.savedAlias(false);
        }

        private Tensor[] apply(Node n, Tensor g) {
            int mark = createGraph ? 0 : work.mark();
            EXECUTED.increment();
            Tensor[] out;
            try {
                out = n.apply(g);
            } catch (RuntimeException | Error e) {
                // The incoming gradient is the engine's alone by now (no node holds it as pending).
                if (!createGraph) g.release(Tensor.RELEASED_BY_BACKWARD);
                throw e;
            }
            if (out.length != n.next.length) {
                throw new IllegalStateException(n.name() + " returned " + out.length + " gradients for " + n.next.length + " inputs");
            }
            if (createGraph) return out;
            for (int i = 0; i < out.length; i++) {
                Tensor r = out[i];
                if (r == null) continue;
                if (n.next[i] == null) {
                    out[i] = null; // a gradient nobody asked for: released below with the temporaries
                    continue;
                }
                for (int j = 0; j < i; j++) {
                    if (out[j] == r) {
                        out[i] = r = r.view(r.shape, r.strides, r.offset);
                        break;
                    }
                }
            }
            work.releaseSince(mark, out);
            boolean passedOn = false;
            for (Tensor r : out) if (r == g) passedOn = true;
            if (!passedOn) g.release(Tensor.RELEASED_BY_BACKWARD);
            return out;
        }

        private Tensor runHooks(Node n, Tensor g) {
            for (UnaryOperator<Tensor> h : List.copyOf(n.preHooks)) {
                int mark = createGraph ? 0 : work.mark();
                Tensor r;
                try {
                    r = h.apply(g);
                } catch (RuntimeException | Error e) {
                    dispose(g);
                    throw e;
                }
                if (r != null && r != g) {
                    if (!Arrays.equals(r.shape, g.shape)) {
                        dispose(g);
                        throw new ShapeMismatchException("hook: a hook returned a gradient of shape " + Shapes.str(r.shape)
                                + " for a tensor of shape " + Shapes.str(g.shape));
                    }
                    if (!createGraph) {
                        if (r.scope == work) work.releaseSince(mark, r);
                        else r = r.savedAlias(false);
                        g.release(Tensor.RELEASED_BY_BACKWARD);
                    }
                    g = r;
                } else if (!createGraph) {
                    work.releaseSince(mark, g);
                }
            }
            return g;
        }

        /** Sums two gradients arriving at the same node. */
        private Tensor accumulate(Node at, Tensor a, Tensor b) {
            if (!Arrays.equals(a.shape, b.shape)) {
                throw new IllegalStateException("backward: gradients of shapes " + Shapes.str(a.shape) + " and "
                        + Shapes.str(b.shape) + " arrived at " + at.name());
            }
            if (createGraph) return a.add(b);
            if (a.storage.refCount() == 1 && a.isContiguous() && a.dtype == b.dtype) {
                a.backend.binary(BinaryOp.ADD, a.dtype, Pointwise.iter3(a, a, b));
                b.release(Tensor.RELEASED_BY_BACKWARD);
                return a;
            }
            int mark = work.mark();
            Tensor sum = Pointwise.binaryRaw("add", BinaryOp.ADD, a, b, DType.promote(a.dtype, b.dtype));
            work.releaseSince(mark, sum);
            a.release(Tensor.RELEASED_BY_BACKWARD);
            b.release(Tensor.RELEASED_BY_BACKWARD);
            return sum;
        }

        private void accumulateLeaf(Tensor leaf, Tensor g) {
            if (leaf.isReleased()) {
                dispose(g);
                throw new IllegalStateException("backward: a leaf of shape " + Shapes.str(leaf.shape) + " that requires "
                        + "grad was released before backward reached it");
            }
            if (createGraph) {
                Tensor old = leaf.grad;
                Tensor sum = old == null ? g : old.add(g);
                leaf.grad = sum.savedAlias(true);
                leaf.grad.storage.watch();
                if (old != null) old.release(Tensor.RELEASED_BY_BACKWARD);
                return;
            }
            if (g.dtype != leaf.dtype) {
                int mark = work.mark();
                Tensor c = Pointwise.castRaw(g, leaf.dtype);
                work.releaseSince(mark, c);
                g.release(Tensor.RELEASED_BY_BACKWARD);
                g = c;
            }
            Tensor old = leaf.grad;
            if (old != null) {
                old.backend.binary(BinaryOp.ADD, old.dtype, Pointwise.iter3(old, old, g));
                old.storage.bumpVersion();
                g.release(Tensor.RELEASED_BY_BACKWARD);
                return;
            }
            if (g.storage.refCount() != 1 || !g.isContiguous() || g.offset != 0) {
                int mark = work.mark();
                Tensor c = Tensor.allocate(g.backend, g.dtype, leaf.shape);
                c.backend.copy(Pointwise.iter2(c, g), g.dtype, g.dtype);
                work.releaseSince(mark, c);
                g.release(Tensor.RELEASED_BY_BACKWARD);
                g = c;
            }
            g.storage.watch();
            leaf.grad = g;
        }

        private void capture(Node n, Tensor g) {
            for (int i = 0; i < capture.length; i++) {
                if (capture[i] != n) continue;
                Scope prev = ts.scope;
                ts.scope = userScope;
                try {
                    captured[i] = g.aliasWithGraph();
                } finally {
                    ts.scope = prev;
                }
            }
        }

        private void dispose(Tensor t) {
            if (t != null && !createGraph) t.release(Tensor.RELEASED_BY_BACKWARD);
        }
    }
}
