package dev.panagrad.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.panagrad.DType;
import dev.panagrad.Tensor;

import java.util.Arrays;

/**
 * Tensor literals of the conformance format ({@code {"shape": [..], "data": [..], "dtype": ..}})
 * turned into tensors, and tensors compared against them.
 */
final class Literals {
    private Literals() {}

    static boolean isLiteral(JsonNode n) {
        return n != null && n.isObject() && n.has("shape") && n.has("data");
    }

    static int[] shape(JsonNode lit) {
        JsonNode s = lit.get("shape");
        int[] shape = new int[s.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = s.get(i).asInt();
        return shape;
    }

    static DType dtype(JsonNode lit, DType caseDtype) {
        JsonNode d = lit.get("dtype");
        return d == null ? caseDtype : DType.of(d.asText());
    }

    /** A JSON number or one of the strings "nan", "inf", "-inf". */
    static double number(JsonNode n) {
        if (n.isNumber()) return n.asDouble();
        if (n.isBoolean()) return n.asBoolean() ? 1 : 0;
        return switch (n.asText()) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> throw new IllegalArgumentException("not a number in a literal: " + n);
        };
    }

    static double[] data(JsonNode lit) {
        JsonNode d = lit.get("data");
        double[] out = new double[d.size()];
        for (int i = 0; i < out.length; i++) out[i] = number(d.get(i));
        return out;
    }

    /** A new tensor holding the literal. */
    static Tensor tensor(JsonNode lit, DType caseDtype) {
        int[] shape = shape(lit);
        DType dt = dtype(lit, caseDtype);
        JsonNode d = lit.get("data");
        int n = d.size();
        // Java varargs cannot tell "no shape" from shape []: make 0-d tensors explicitly.
        if (shape.length == 0) return Tensor.scalar(dt, dt == DType.BOOL ? (d.get(0).asBoolean() ? 1 : 0) : number(d.get(0)));
        return switch (dt) {
            case FLOAT32 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = (float) number(d.get(i));
                yield Tensor.of(v, shape);
            }
            case FLOAT64 -> Tensor.of(data(lit), shape);
            case INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) v[i] = d.get(i).asLong();
                yield Tensor.of(v, shape);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) v[i] = d.get(i).asBoolean();
                yield Tensor.of(v, shape);
            }
        };
    }

    /**
     * Null when {@code actual} matches the literal (shape, dtype, and values within
     * {@code atol + rtol * |expected|}, NaN equal to NaN), else what differs.
     */
    static String mismatch(Tensor actual, JsonNode lit, DType caseDtype, double atol, double rtol) {
        int[] shape = shape(lit);
        if (!Arrays.equals(shape, actual.shape())) {
            return "shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(shape);
        }
        DType dt = dtype(lit, caseDtype);
        if (dt != actual.dtype()) return "dtype " + actual.dtype().pyName() + ", expected " + dt.pyName();
        double[] want = data(lit);
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < want.length; i++) {
            if (!close(got[i], want[i], atol, rtol)) {
                return "element " + i + " is " + got[i] + ", expected " + want[i]
                        + " (atol " + atol + ", rtol " + rtol + "); values " + brief(got) + ", expected " + brief(want);
            }
        }
        return null;
    }

    static boolean close(double got, double want, double atol, double rtol) {
        if (Double.isNaN(want)) return Double.isNaN(got);
        if (Double.isInfinite(want)) return got == want;
        return Math.abs(got - want) <= atol + rtol * Math.abs(want);
    }

    static String brief(double[] v) {
        if (v.length <= 12) return Arrays.toString(v);
        return Arrays.toString(Arrays.copyOf(v, 12)).replace("]", ", ...] (" + v.length + " values)");
    }
}
