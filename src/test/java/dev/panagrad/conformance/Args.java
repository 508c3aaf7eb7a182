package dev.panagrad.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.panagrad.Tensor;

import java.util.List;

/**
 * An op's resolved positional arguments and its kwargs, with accessors that say clearly
 * which argument of which op had the wrong kind. Positional values are {@link Tensor},
 * {@link Double} (a Python float), {@link Long} (a Python int), {@link Boolean}, null,
 * {@link Slice} or a {@link List} of these.
 */
record Args(String op, List<Object> positional, JsonNode kwargs) {

    /** A {@code {"slice": [start, stop, step]}} item of getitem. */
    record Slice(Integer start, Integer stop, Integer step) {}

    int size() {
        return positional.size();
    }

    Object at(int i) {
        return i < positional.size() ? positional.get(i) : null;
    }

    Tensor tensor(int i) {
        Object o = at(i);
        if (o instanceof Tensor t) return t;
        throw new IllegalArgumentException(op + ": argument " + i + " should be a tensor, got " + o);
    }

    /** Argument i, or null when absent. */
    Tensor optTensor(int i) {
        return at(i) == null ? null : tensor(i);
    }

    boolean isTensor(int i) {
        return at(i) instanceof Tensor;
    }

    int[] ints(int i) {
        Object o = at(i);
        if (o instanceof List<?> l) return toInts(l);
        throw new IllegalArgumentException(op + ": argument " + i + " should be a list of ints, got " + o);
    }

    @SuppressWarnings("unchecked")
    List<Tensor> tensors(int i) {
        Object o = at(i);
        if (o instanceof List<?> l && l.stream().allMatch(x -> x instanceof Tensor)) return (List<Tensor>) l;
        throw new IllegalArgumentException(op + ": argument " + i + " should be a list of tensors, got " + o);
    }

    static int[] toInts(List<?> l) {
        int[] r = new int[l.size()];
        for (int k = 0; k < r.length; k++) r[k] = ((Number) l.get(k)).intValue();
        return r;
    }

    boolean has(String key) {
        return kwargs.has(key) && !kwargs.get(key).isNull();
    }

    int kwInt(String key, int dflt) {
        return has(key) ? kwargs.get(key).asInt() : dflt;
    }

    double kwDouble(String key, double dflt) {
        return has(key) ? kwargs.get(key).asDouble() : dflt;
    }

    boolean kwBool(String key, boolean dflt) {
        return has(key) ? kwargs.get(key).asBoolean() : dflt;
    }

    String kwString(String key, String dflt) {
        return has(key) ? kwargs.get(key).asText() : dflt;
    }

    /** A kwarg given as an int or a list of ints ({@code dim=1}, {@code dim=[0, 2]}). */
    int[] kwInts(String key) {
        JsonNode n = kwargs.get(key);
        if (n == null || n.isNull()) return null;
        if (n.isNumber()) return new int[] {n.asInt()};
        int[] r = new int[n.size()];
        for (int k = 0; k < r.length; k++) r[k] = n.get(k).asInt();
        return r;
    }

    /** A conv/pool size: an int applied to both dims, or a pair. */
    int[] kwPair(String key, int dflt) {
        int[] v = kwInts(key);
        if (v == null) return new int[] {dflt, dflt};
        return v.length == 1 ? new int[] {v[0], v[0]} : v;
    }

    /** Positional or keyword conv/pool size ({@code F.max_pool2d(x, 2)} or {@code kernel_size=2}). */
    int[] pair(int i, String key) {
        Object o = at(i);
        if (o instanceof Number n) return new int[] {n.intValue(), n.intValue()};
        if (o instanceof List<?> l) return toInts(l);
        int[] v = kwInts(key);
        if (v == null) throw new IllegalArgumentException(op + ": missing " + key);
        return v.length == 1 ? new int[] {v[0], v[0]} : v;
    }
}
