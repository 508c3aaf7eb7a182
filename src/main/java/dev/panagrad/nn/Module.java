package dev.panagrad.nn;

import dev.panagrad.GradMode;
import dev.panagrad.ShapeMismatchException;
import dev.panagrad.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The base of layers and models, as PyTorch's {@code nn.Module}: named parameters, buffers
 * and child modules in registration order, dotted names ({@code layer1.0.conv1.weight}),
 * train/eval mode, freezing, and state dicts.
 *
 * <p>Parameters and buffers are kept out of any {@link dev.panagrad.Scope} (a model built
 * inside a scope outlives it); {@link #close()} releases them.
 * <pre>{@code
 * class Mlp extends Module {
 *     final Linear fc1 = register("fc1", new Linear(784, 128));
 *     final Linear fc2 = register("fc2", new Linear(128, 10));
 *     public Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x).relu()); }
 * }
 * }</pre>
 */
public abstract class Module implements AutoCloseable {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Computes the module's output. */
    public abstract Tensor forward(Tensor x);

    // ------------------------------------------------------------------ registration

    /** Registers (or replaces) a parameter: a leaf that requires grad, kept out of scopes. Returns it. */
    protected Tensor registerParameter(String name, Tensor t) {
        checkName(name);
        if (t != null) {
            if (!t.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException("parameter '" + name + "' must be floating point, got " + t.dtype().pyName());
            }
            if (!t.isLeaf()) t = t.detach();
            t.keep();
            if (!t.requiresGrad()) t.requiresGrad_(true);
        }
        Tensor old = parameters.put(name, t);
        if (old != null && old != t) old.close();
        return t;
    }

    /** Registers (or replaces) a buffer: state saved with the parameters but not trained (running statistics). */
    protected Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        if (t != null) t.keep();
        Tensor old = buffers.put(name, t);
        if (old != null && old != t) old.close();
        return t;
    }

    /** Registers (or replaces) a child module under {@code name}. Returns it. */
    protected <M extends Module> M register(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("invalid module attribute name '" + name + "': it must be non-empty "
                    + "and contain no '.'");
        }
    }

    /** The parameter registered directly on this module under {@code name}, or null. */
    public Tensor parameter(String name) {
        return parameters.get(name);
    }

    /** The buffer registered directly on this module under {@code name}, or null. */
    public Tensor buffer(String name) {
        return buffers.get(name);
    }

    /** The child registered under {@code name}, or null. */
    public Module child(String name) {
        return children.get(name);
    }

    /**
     * Replaces the child registered under {@code name} (the fine-tuning pattern: swap the
     * head). The old child is returned, not closed.
     */
    public Module replaceChild(String name, Module child) {
        if (!children.containsKey(name)) {
            throw new IllegalArgumentException("no child module named '" + name + "'; children: " + children.keySet());
        }
        return children.put(name, child);
    }

    // ------------------------------------------------------------------ traversal

    /** All parameters, this module's first, each once. */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters by dotted name (PyTorch's order and names; a shared parameter appears once). */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collect("", out, seen, true);
        return out;
    }

    /** Buffers by dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collect("", out, seen, false);
        return out;
    }

    public List<Tensor> buffers() {
        return new ArrayList<>(namedBuffers().values());
    }

    private void collect(String prefix, Map<String, Tensor> out, Set<Tensor> seen, boolean params) {
        for (Map.Entry<String, Tensor> e : (params ? parameters : buffers).entrySet()) {
            Tensor t = e.getValue();
            if (t != null && seen.add(t)) out.put(prefix + e.getKey(), t);
        }
        for (Map.Entry<String, Module> c : children.entrySet()) {
            if (c.getValue() != null) c.getValue().collect(prefix + c.getKey() + ".", out, seen, params);
        }
    }

    /** Direct children by name. */
    public Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    public List<Module> children() {
        return new ArrayList<>(children.values());
    }

    /** This module and all its descendants, depth first. */
    public List<Module> modules() {
        List<Module> out = new ArrayList<>();
        visit(out::add);
        return out;
    }

    private void visit(Consumer<Module> f) {
        f.accept(this);
        for (Module c : children.values()) if (c != null) c.visit(f);
    }

    // ------------------------------------------------------------------ modes

    /** Training mode (dropout active, batch norm uses and updates batch statistics). */
    public Module train() {
        return train(true);
    }

    public Module train(boolean on) {
        visit(m -> m.training = on);
        return this;
    }

    /** Evaluation mode. */
    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** Freezes ({@code false}) or unfreezes every parameter: frozen ones get no gradient and cost no backward work. */
    public Module requiresGrad_(boolean requires) {
        for (Tensor p : parameters()) p.requiresGrad_(requires);
        return this;
    }

    /** Clears every parameter's gradient (sets it to null, as PyTorch 2 does by default). */
    public void zeroGrad() {
        for (Tensor p : parameters()) p.setGrad(null);
    }

    // ------------------------------------------------------------------ state dict

    /** Parameters and buffers by dotted name, in registration order (the tensors themselves, not copies). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        stateInto("", out);
        return out;
    }

    private void stateInto(String prefix, Map<String, Tensor> out) {
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            if (e.getValue() != null) out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            if (e.getValue() != null) out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> c : children.entrySet()) {
            if (c.getValue() != null) c.getValue().stateInto(prefix + c.getKey() + ".", out);
        }
    }

    /** What {@link #loadStateDict} did not match. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers (converting
     * dtypes). Shapes must match. With {@code strict}, missing and unexpected keys are errors
     * too; the check happens before anything is copied, so a failed load changes nothing.
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), badShape = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                badShape.add(e.getKey() + ": checkpoint " + Arrays.toString(src.shape()) + ", model "
                        + Arrays.toString(e.getValue().shape()));
            }
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!badShape.isEmpty()) {
            throw new ShapeMismatchException("loadStateDict: size mismatch for " + String.join("; ", badShape));
        }
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new IllegalArgumentException("loadStateDict: error(s) in loading the state dict"
                    + (missing.isEmpty() ? "" : "; missing key(s): " + missing)
                    + (unexpected.isEmpty() ? "" : "; unexpected key(s): " + unexpected)
                    + ". Pass strict=false to load the keys that match");
        }
        try (var g = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) e.getValue().copy_(src);
            }
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** Releases the memory of every parameter, gradient and buffer of this module and its children. */
    @Override
    public void close() {
        for (Tensor t : parameters()) t.close();
        for (Tensor t : buffers()) t.close();
    }

    // ------------------------------------------------------------------ printing

    /** The text after the class name, e.g. "in_features=64, out_features=10, bias=True". */
    protected String extraRepr() {
        return "";
    }

    /** PyTorch's module repr. */
    @Override
    public String toString() {
        String name = getClass().getSimpleName();
        if (children.isEmpty()) return name + "(" + extraRepr() + ")";
        StringBuilder sb = new StringBuilder(name).append("(");
        String extra = extraRepr();
        if (!extra.isEmpty()) sb.append("\n  ").append(extra);
        for (Map.Entry<String, Module> c : children.entrySet()) {
            String child = String.valueOf(c.getValue()).replace("\n", "\n  ");
            sb.append("\n  (").append(c.getKey()).append("): ").append(child);
        }
        return sb.append("\n)").toString();
    }

    static String pyBool(boolean b) {
        return b ? "True" : "False";
    }
}
