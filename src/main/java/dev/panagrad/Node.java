package dev.panagrad;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A backward function in the autograd graph: the {@code grad_fn} of a tensor that an op
 * produced while recording. It knows the node of each differentiable input ({@code null}
 * where an input needs no gradient, so frozen parts of a model cost nothing) and keeps only
 * what its backward needs. Nodes are reference counted by the tensors and nodes that point
 * at them, so a graph nobody can reach any more frees its saved buffers at once.
 */
public abstract class Node {
    /** The node of each input, or null where that input needs no gradient. */
    final Node[] next;
    /** Tensors whose grad_fn this is, nodes that list it in next, saved aliases that carry it. */
    private int refs;
    /** Hooks on the gradient flowing into this node (tensor hooks, retainGrad). */
    List<UnaryOperator<Tensor>> preHooks;

    // Engine scratch, valid during one backward pass (see Engine).
    Tensor pendingGrad;
    int pendingDeps;
    long epoch;
    boolean needed;
    boolean visited;

    Node(Node[] next) {
        this.next = next;
        for (Node n : next) if (n != null) n.retainRef();
    }

    /** PyTorch's name for this kind of node ({@code AddBackward0}, {@code MulBackward0}, ...). */
    public abstract String name();

    /** The nodes this one passes gradients to, in input order ({@code null} where none is needed). */
    public List<Node> nextFunctions() {
        List<Node> l = new ArrayList<>(next.length);
        Collections.addAll(l, next);
        return Collections.unmodifiableList(l);
    }

    /** Computes the gradient of each input from the gradient of the output (entries may be null). */
    abstract Tensor[] apply(Tensor grad);

    /** Frees saved tensors (after a backward without retainGraph, or when the graph is dropped). */
    void releaseSaved() {
    }

    /** Whether input {@code i} needs a gradient. */
    final boolean needsInputGrad(int i) {
        return next[i] != null;
    }

    void addPreHook(UnaryOperator<Tensor> hook) {
        if (preHooks == null) preHooks = new ArrayList<>(1);
        preHooks.add(hook);
    }

    /** Leaves' accumulators live as long as their leaf and are not counted. */
    boolean counted() {
        return true;
    }

    final void retainRef() {
        if (counted()) refs++;
    }

    /** Drops a reference; the last one frees saved tensors and lets go of the next nodes. */
    final void releaseRef() {
        if (!counted()) return;
        if (--refs == 0) {
            releaseSaved();
            preHooks = null;
            for (Node n : next) if (n != null) n.releaseRef();
            onFree();
        }
    }

    /** Called once when the last reference goes (after saved tensors and next nodes were let go). */
    void onFree() {
    }

    @Override
    public String toString() {
        return "<" + name() + ">";
    }
}
