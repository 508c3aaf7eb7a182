package dev.panagrad.optim;

import dev.panagrad.DType;
import dev.panagrad.Tensor;
import dev.panagrad.internal.Internals;
import dev.panagrad.internal.TensorAccess;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of optimizers: parameter groups, zeroGrad, and per-parameter state allocated once
 * on the first step (momentum buffers, Adam moments) and released by {@link #close()}.
 * Updates run as fused in-place kernels over the parameter memory: a step allocates no
 * tensors.
 *
 * @param <O> the options type
 */
public abstract class Optimizer<O extends OptimizerOptions<O>> implements AutoCloseable {
    static final TensorAccess T = Internals.tensors();

    private final List<ParamGroup<O>> groups = new ArrayList<>();
    /** Per-parameter state tensors, by identity. */
    final Map<Tensor, Tensor[]> state = new IdentityHashMap<>();

    Optimizer(List<ParamGroup<O>> groups) {
        if (groups.isEmpty()) throw new IllegalArgumentException("optimizer got an empty parameter list");
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (ParamGroup<O> g : groups) {
            for (Tensor p : g.params()) {
                if (seen.put(p, true) != null) {
                    throw new IllegalArgumentException("some parameters appear in more than one parameter group");
                }
                if (!p.dtype().isFloatingPoint()) {
                    throw new IllegalArgumentException("optimizers update floating point parameters, got " + p.dtype().pyName());
                }
                if (!p.isLeaf()) {
                    throw new IllegalArgumentException("can't optimize a non-leaf tensor (it is computed from others); "
                            + "optimize the leaves it comes from");
                }
            }
            this.groups.add(g);
        }
    }

    /** The parameter groups (their learning rates can be changed). */
    public List<ParamGroup<O>> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /** Adds a group, e.g. a new head when fine-tuning. */
    public void addParamGroup(ParamGroup<O> group) {
        groups.add(group);
    }

    /** Sets every parameter's gradient to null (PyTorch 2's default). */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /** Sets gradients to null ({@code setToNone}) or to zero in place. */
    public void zeroGrad(boolean setToNone) {
        for (ParamGroup<O> g : groups) {
            for (Tensor p : g.params()) {
                if (setToNone) {
                    p.setGrad(null);
                } else {
                    Tensor gr = T.ownGrad(p);
                    if (gr != null) {
                        gr.detach().zero_().close();
                    }
                }
            }
        }
    }

    /** Updates every parameter that has a gradient; parameters without one are skipped. */
    public void step() {
        for (ParamGroup<O> g : groups) {
            for (Tensor p : g.params()) {
                Tensor grad = T.ownGrad(p);
                if (grad == null) continue;
                if (!grad.isContiguous()) {
                    try (Tensor c = grad.contiguous()) {
                        update(p, c, g.options());
                    }
                } else {
                    update(p, grad, g.options());
                }
                T.bumpVersion(p);
            }
        }
    }

    /** Applies one update to p (contiguous) with its gradient (contiguous). */
    abstract void update(Tensor p, Tensor grad, O o);

    /** The state tensors of p, created zeroed on first use. */
    Tensor[] state(Tensor p, int count) {
        Tensor[] s = state.get(p);
        if (s == null) {
            s = new Tensor[count];
            for (int i = 0; i < count; i++) s[i] = Tensor.zeros(p.dtype(), p.shape()).keep();
            state.put(p, s);
        }
        return s;
    }

    static void requireContiguous(Tensor p) {
        if (!p.isContiguous()) {
            throw new IllegalStateException("optimizer: parameters must be contiguous, got strides "
                    + java.util.Arrays.toString(p.stride()));
        }
    }

    static DType dtype(Tensor p) {
        return p.dtype();
    }

    /** Releases the optimizer's state (momentum buffers, moments). */
    @Override
    public void close() {
        for (Tensor[] s : state.values()) for (Tensor t : s) if (t != null) t.close();
        state.clear();
    }
}
