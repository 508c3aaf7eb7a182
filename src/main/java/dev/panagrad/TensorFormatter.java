package dev.panagrad;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code toString()} as PyTorch prints tensors (its default print options: precision 4,
 * summarising above 1000 elements with 3 edge items, 80 columns): one number format chosen
 * for the whole tensor (integer-valued floats as "1.", fixed "1.2346" or scientific
 * "1.2346e-05"), right-aligned columns, wrapped lines, and the dtype, device and grad_fn
 * suffixes.
 */
final class TensorFormatter {
    private static final int PRECISION = 4;
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;
    private static final int LINE_WIDTH = 80;
    private static final String PREFIX = "tensor(";

    private TensorFormatter() {}

    static String format(Tensor t) {
        int indent = PREFIX.length();
        List<String> suffixes = new ArrayList<>();
        if (t.device().kind() != Device.Kind.CPU) suffixes.add("device='" + t.device() + "'");
        String body;
        if (t.numel == 0) {
            if (t.shape.length != 1) suffixes.add("size=" + pyTuple(t.shape));
            if (t.dtype != DType.FLOAT32) suffixes.add("dtype=torch." + t.dtype.pyName());
            body = "[]";
        } else {
            if (t.dtype == DType.FLOAT64) suffixes.add("dtype=torch.float64");
            Tensor host = t.device().kind() == Device.Kind.CPU ? t : null;
            if (host == null) return "tensor(<on " + t.device() + ">, shape=" + Shapes.str(t.shape) + ")";
            boolean summarize = t.numel > THRESHOLD;
            Reader r = new Reader(t);
            Fmt f = new Fmt(t.dtype, shownValues(t, r, summarize));
            body = tensorStr(t, r, f, new int[t.shape.length], 0, indent, summarize);
        }
        if (t.gradFn != null) suffixes.add("grad_fn=<" + t.gradFn.name() + ">");
        else if (t.requiresGrad) suffixes.add("requires_grad=True");
        return addSuffixes(PREFIX + body, suffixes, indent);
    }

    private static String pyTuple(int[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        return sb.append(')').toString();
    }

    private static String addSuffixes(String s, List<String> suffixes, int indent) {
        StringBuilder sb = new StringBuilder(s);
        int lastLineLen = s.length() - s.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLen + suffix.length() + 2 > LINE_WIDTH) {
                sb.append(",\n").append(" ".repeat(indent)).append(suffix);
                lastLineLen = indent + suffix.length();
            } else {
                sb.append(", ").append(suffix);
                lastLineLen += suffix.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    /** Reads elements by multi-index, honouring strides. */
    private static final class Reader {
        final Tensor t;
        final MemorySegment seg;

        Reader(Tensor t) {
            this.t = t;
            this.seg = t.storage.segment();
        }

        long offset(int[] idx) {
            long off = t.offset;
            for (int d = 0; d < idx.length; d++) off += idx[d] * t.strides[d];
            return off;
        }

        double real(int[] idx) {
            return Creation.readRaw(t.dtype, seg, offset(idx));
        }

        long integer(int[] idx) {
            long off = offset(idx);
            return t.dtype == DType.INT64 ? seg.getAtIndex(ValueLayout.JAVA_LONG, off) : seg.get(ValueLayout.JAVA_BYTE, off);
        }
    }

    /** The indices along one dimension that are shown (edge items only when summarising a long one). */
    private static int[] shownIndices(int size, boolean summarize) {
        if (summarize && size > 2 * EDGE) {
            int[] r = new int[2 * EDGE];
            for (int i = 0; i < EDGE; i++) {
                r[i] = i;
                r[EDGE + i] = size - EDGE + i;
            }
            return r;
        }
        int[] r = new int[size];
        for (int i = 0; i < size; i++) r[i] = i;
        return r;
    }

    /** Every element that will be printed, for choosing the format (integers as exact strings). */
    private static List<Object> shownValues(Tensor t, Reader r, boolean summarize) {
        List<Object> out = new ArrayList<>();
        collect(t, r, summarize, new int[t.shape.length], 0, out);
        return out;
    }

    private static void collect(Tensor t, Reader r, boolean summarize, int[] idx, int d, List<Object> out) {
        if (d == t.shape.length) {
            out.add(t.dtype.isFloatingPoint() ? (Object) r.real(idx) : (Object) r.integer(idx));
            return;
        }
        for (int i : shownIndices(t.shape[d], summarize)) {
            idx[d] = i;
            collect(t, r, summarize, idx, d + 1, out);
        }
    }

    private static String tensorStr(Tensor t, Reader r, Fmt f, int[] idx, int d, int indent, boolean summarize) {
        int nd = t.shape.length;
        if (nd == 0) return f.format(t.dtype.isFloatingPoint() ? (Object) r.real(idx) : (Object) r.integer(idx));
        if (d == nd - 1) return vectorStr(t, r, f, idx, d, indent, summarize);
        int size = t.shape[d];
        List<String> slices = new ArrayList<>();
        boolean cut = summarize && size > 2 * EDGE;
        for (int i = 0; i < size; i++) {
            if (cut && i == EDGE) {
                slices.add("...");
                i = size - EDGE;
            }
            idx[d] = i;
            slices.add(tensorStr(t, r, f, idx, d + 1, indent + 1, summarize));
        }
        String sep = "," + "\n".repeat(nd - d - 1) + " ".repeat(indent + 1);
        return "[" + String.join(sep, slices) + "]";
    }

    private static String vectorStr(Tensor t, Reader r, Fmt f, int[] idx, int d, int indent, boolean summarize) {
        int elementLength = f.width + 2;
        int perLine = Math.max(1, (LINE_WIDTH - indent) / elementLength);
        int size = t.shape[d];
        List<String> data = new ArrayList<>();
        boolean cut = summarize && size > 2 * EDGE;
        for (int i = 0; i < size; i++) {
            if (cut && i == EDGE) {
                data.add(" ...");
                i = size - EDGE;
            }
            idx[d] = i;
            data.add(f.format(t.dtype.isFloatingPoint() ? (Object) r.real(idx) : (Object) r.integer(idx)));
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < data.size(); i += perLine) {
            if (i > 0) sb.append(",\n").append(" ".repeat(indent + 1));
            sb.append(String.join(", ", data.subList(i, Math.min(data.size(), i + perLine))));
        }
        return sb.append(']').toString();
    }

    /** The number format chosen for a whole tensor. */
    private static final class Fmt {
        final DType dtype;
        boolean intMode = true;
        boolean sciMode;
        int width = 1;

        Fmt(DType dtype, List<Object> values) {
            this.dtype = dtype;
            if (!dtype.isFloatingPoint()) {
                for (Object v : values) width = Math.max(width, plain(v).length());
                return;
            }
            double min = Double.POSITIVE_INFINITY, max = 0;
            List<Double> finite = new ArrayList<>();
            for (Object o : values) {
                double v = (Double) o;
                if (Double.isFinite(v) && v != 0) {
                    finite.add(v);
                    min = Math.min(min, Math.abs(v));
                    max = Math.max(max, Math.abs(v));
                }
            }
            if (finite.isEmpty()) return;
            for (double v : finite) {
                if (v != Math.ceil(v)) {
                    intMode = false;
                    break;
                }
            }
            if (intMode) {
                if (max / min > 1000.0 || max > 1.0e8) {
                    sciMode = true;
                    for (double v : finite) width = Math.max(width, sci(v).length());
                } else {
                    for (double v : finite) width = Math.max(width, fixed(v, 0).length() + 1);
                }
            } else if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4) {
                sciMode = true;
                for (double v : finite) width = Math.max(width, sci(v).length());
            } else {
                for (double v : finite) width = Math.max(width, fixed(v, PRECISION).length());
            }
        }

        String format(Object o) {
            String s;
            if (!dtype.isFloatingPoint()) {
                s = plain(o);
            } else {
                double v = (Double) o;
                if (sciMode) s = sci(v);
                else if (intMode) s = Double.isFinite(v) ? fixed(v, 0) + "." : fixed(v, 0);
                else s = fixed(v, PRECISION);
            }
            return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
        }

        private String plain(Object o) {
            long v = (Long) o;
            if (dtype == DType.BOOL) return v != 0 ? "True" : "False";
            return Long.toString(v);
        }
    }

    private static String nonFinite(double v) {
        if (Double.isNaN(v)) return "nan";
        return v > 0 ? "inf" : "-inf";
    }

    /** Python's '{:.Nf}': the exact binary value rounded half-even. */
    static String fixed(double v, int digits) {
        if (!Double.isFinite(v)) return nonFinite(v);
        String s = new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        if (v < 0 || (v == 0 && 1 / v < 0)) {
            if (!s.startsWith("-")) s = "-" + s; // Python keeps the sign of -0.0 and of values rounding to zero
        }
        return s;
    }

    /** Python's '{:.4e}': d.dddde+XX. */
    static String sci(double v) {
        if (!Double.isFinite(v)) return nonFinite(v);
        if (v == 0) return (1 / v < 0 ? "-" : "") + "0." + "0".repeat(PRECISION) + "e+00";
        BigDecimal b = new BigDecimal(Math.abs(v));
        int exp = b.precision() - b.scale() - 1;
        BigDecimal mant = b.movePointLeft(exp).setScale(PRECISION, RoundingMode.HALF_EVEN);
        if (mant.compareTo(BigDecimal.TEN) >= 0) {
            exp++;
            mant = b.movePointLeft(exp).setScale(PRECISION, RoundingMode.HALF_EVEN);
        }
        String e = Integer.toString(Math.abs(exp));
        if (e.length() < 2) e = "0" + e;
        return (v < 0 ? "-" : "") + mant.toPlainString() + "e" + (exp < 0 ? "-" : "+") + e;
    }
}
