package dev.panagrad.nn;

import dev.panagrad.Tensor;

/**
 * Modules applied in order; children are named "0", "1", ... as in PyTorch. Each
 * intermediate output is released as soon as the next module has consumed it (what
 * backward needs was saved by the ops themselves), so a deep stack holds only the
 * activations backward really needs, not every layer's output until the scope closes.
 */
public class Sequential extends Module {
    private int size;

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    /** Appends a module. */
    public Sequential add(Module m) {
        register(Integer.toString(size++), m);
        return this;
    }

    /** The module at {@code index} (negative counts from the end). */
    public Module get(int index) {
        return child(Integer.toString(wrap(index)));
    }

    /** Replaces the module at {@code index} and returns the old one (not closed). */
    public Module set(int index, Module m) {
        return replaceChild(Integer.toString(wrap(index)), m);
    }

    public int size() {
        return size;
    }

    private int wrap(int index) {
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("Sequential: index " + index + " out of range for " + size + " modules");
        return i;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < size; i++) {
            Tensor next = get(i).forward(y);
            if (y != x && y != next) y.close();
            y = next;
        }
        return y;
    }
}
