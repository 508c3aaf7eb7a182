package dev.panagrad;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/** The autograd-facing tensor methods: detach, requiresGrad_, grad assignment, retainGrad, hooks. */
final class AutogradOps {
    private AutogradOps() {}

    static Tensor detach(Tensor x) {
        x.checkAlive("detach");
        x.storage.retain();
        // Shares storage and version counter, but is not a differentiable view: no viewBase.
        return new Tensor(x.storage, x.backend, x.dtype, x.shape, x.strides, x.offset);
    }

    static Tensor detachInPlace(Tensor x) {
        x.checkAlive("detach_");
        if (x.viewBase != null && x.requiresGrad) {
            throw new IllegalStateException("detach_: can't detach views in place (this tensor is a view of another "
                    + "that is part of the graph); use detach() instead");
        }
        Node fn = x.gradFn;
        if (fn != null) {
            x.gradFn = null;
            if (!x.gradFnUncounted) fn.releaseRef();
        }
        x.requiresGrad = false;
        return x;
    }

    static Tensor setRequiresGrad(Tensor x, boolean requires) {
        x.checkAlive("requiresGrad_");
        if (x.gradFn != null) {
            if (!requires) {
                throw new IllegalStateException("requiresGrad_: you can only change the requires_grad flag of leaf tensors; "
                        + "to use a computed tensor in a part of the program that needs no gradient, use detach()");
            }
            return x;
        }
        if (requires && !x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("requiresGrad_: only tensors of floating point dtype can require gradients, "
                    + "this one is " + x.dtype.pyName() + "; convert with to(DType.FLOAT32) first");
        }
        x.requiresGrad = requires;
        return x;
    }

    static void setGrad(Tensor x, Tensor g) {
        x.checkAlive("setGrad");
        Tensor old = x.grad;
        if (g == null) {
            x.grad = null;
            if (old != null) old.release(Tensor.RELEASED_BY_CLOSE);
            return;
        }
        g.checkAlive("setGrad");
        if (!Arrays.equals(g.shape, x.shape)) {
            throw new ShapeMismatchException("setGrad: assigned grad has shape " + Shapes.str(g.shape)
                    + " but the tensor has shape " + Shapes.str(x.shape));
        }
        if (g.dtype != x.dtype) {
            throw new DTypeMismatchException("setGrad: assigned grad has dtype " + g.dtype.pyName()
                    + " but the tensor has dtype " + x.dtype.pyName());
        }
        Tensor owned = g.savedAlias(true);
        owned.storage.watch();
        x.grad = owned;
        if (old != null) old.release(Tensor.RELEASED_BY_CLOSE);
    }

    static void retainGrad(Tensor x) {
        x.checkAlive("retainGrad");
        if (!x.requiresGrad) {
            throw new IllegalStateException("retainGrad: can't retain the gradient of a tensor that does not require grad");
        }
        if (x.gradFn == null || x.retainsGrad) return; // leaves keep their gradient anyway
        x.retainsGrad = true;
        x.gradFn.addPreHook(g -> {
            Tensor old = x.grad;
            if (old == null) {
                x.grad = ownedCopy(g);
            } else {
                x.grad = ownedCopy(Pointwise.binaryRaw("add", dev.panagrad.backend.BinaryOp.ADD, old, g, old.dtype));
                old.release(Tensor.RELEASED_BY_CLOSE);
            }
            return null;
        });
    }

    /** A copy of g owned by no scope (a tensor's retained grad lives as long as the tensor). */
    private static Tensor ownedCopy(Tensor g) {
        ThreadState ts = ThreadState.get();
        Scope prev = ts.scope;
        ts.scope = null;
        try {
            Tensor c = Tensor.allocate(g.backend, g.dtype, g.shape);
            c.backend.copy(Pointwise.iter2(c, g), g.dtype, g.dtype);
            return c;
        } finally {
            ts.scope = prev;
        }
    }

    static AutoCloseable registerHook(Tensor x, UnaryOperator<Tensor> hook) {
        x.checkAlive("registerHook");
        if (!x.requiresGrad) {
            throw new IllegalStateException("registerHook: cannot register a hook on a tensor that doesn't require gradient");
        }
        Node n = x.gradEdge();
        n.addPreHook(hook);
        return () -> {
            if (n.preHooks != null) n.preHooks.remove(hook);
        };
    }
}
