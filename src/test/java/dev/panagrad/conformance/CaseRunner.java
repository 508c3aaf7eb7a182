package dev.panagrad.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.panagrad.Autograd;
import dev.panagrad.AutogradException;
import dev.panagrad.DType;
import dev.panagrad.DTypeMismatchException;
import dev.panagrad.GradMode;
import dev.panagrad.Scope;
import dev.panagrad.ShapeMismatchException;
import dev.panagrad.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs one conformance case (a program recorded from PyTorch, see FORMAT.md) step by step
 * and says whether panagrad reached the same values, flags and failures. Every tensor the
 * case creates lives in one {@link Scope} closed at the end, so the leak check sees them go.
 */
final class CaseRunner {
    /** The outcome of one case. */
    record Result(Status status, int step, String message) {
        static final Result PASSED = new Result(Status.PASSED, -1, null);
    }

    enum Status { PASSED, FAILED, UNSUPPORTED }

    /** A step whose outcome differs from PyTorch's. */
    private static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }

    /** Node names the autograd notes print; these must match PyTorch's exactly. */
    private static final Set<String> EXACT_NODE_NAMES = Set.of("AddBackward0", "MulBackward0", "MeanBackward0");

    private final JsonNode testCase;
    private final DType dtype;
    private final double atol, rtol;
    private final Map<String, Tensor> env = new HashMap<>();
    /** grad_fn names that differ from PyTorch 1.13's (reported, not failed: many of its names are internal). */
    private final List<String> nodeNameDifferences;
    private int stepIndex;

    CaseRunner(JsonNode testCase, List<String> nodeNameDifferences) {
        this.testCase = testCase;
        this.dtype = testCase.has("dtype") ? DType.of(testCase.get("dtype").asText()) : DType.FLOAT32;
        this.atol = testCase.has("atol") ? testCase.get("atol").asDouble() : 1e-5;
        this.rtol = testCase.has("rtol") ? testCase.get("rtol").asDouble() : 1e-4;
        this.nodeNameDifferences = nodeNameDifferences;
    }

    Result run() {
        stepIndex = -1;
        try (Scope scope = Scope.open()) {
            runSteps(testCase.get("steps"));
            return Result.PASSED;
        } catch (Ops.Unsupported e) {
            return new Result(Status.UNSUPPORTED, stepIndex, e.getMessage());
        } catch (Mismatch e) {
            return new Result(Status.FAILED, stepIndex, e.getMessage());
        } catch (RuntimeException | AssertionError e) {
            return new Result(Status.FAILED, stepIndex, "unexpected " + e);
        }
    }

    private void runSteps(JsonNode steps) {
        for (JsonNode step : steps) {
            stepIndex++;
            if (step.has("error")) runFailingStep(step);
            else runStep(step);
        }
    }

    // ---------------------------------------------------------------- steps

    private void runStep(JsonNode s) {
        if (s.has("check")) {
            check(s);
        } else if (s.has("tensor")) {
            Tensor t = Literals.tensor(s.get("tensor"), dtype);
            env.put(s.get("let").asText(), t);
            if (s.path("requires_grad").asBoolean(false)) t.requiresGrad_(true);
        } else if (s.has("op")) {
            String op = s.get("op").asText();
            if (!Ops.supports(op)) throw new Ops.Unsupported(op);
            bind(s.get("let"), Ops.call(new Args(op, resolveArgs(s.get("args")), s.path("kwargs"))));
        } else if (s.has("attr")) {
            Tensor of = tensor(s.get("of").asText());
            Tensor r = switch (s.get("attr").asText()) {
                case "grad" -> of.grad();
                case "data" -> of.detach();
                default -> throw new Mismatch("unknown attr " + s.get("attr"));
            };
            env.put(s.get("let").asText(), r);
        } else if (s.has("backward")) {
            Tensor out = tensor(s.get("backward").asText());
            Tensor gradient = s.has("gradient") ? value(s.get("gradient")) : null;
            boolean create = s.path("create_graph").asBoolean(false);
            out.backward(gradient, s.path("retain_graph").asBoolean(create), create);
        } else if (s.has("autograd_grad")) {
            autogradGrad(s);
        } else if (s.has("no_grad")) {
            try (var g = GradMode.noGrad()) {
                runSteps(s.get("no_grad"));
            }
        } else if (s.has("enable_grad")) {
            try (var g = GradMode.enableGrad()) {
                runSteps(s.get("enable_grad"));
            }
        } else if (s.has("zero_grad")) {
            Tensor g = tensor(s.get("zero_grad").asText()).grad();
            if (g == null) throw new Mismatch("zero_grad: " + s.get("zero_grad").asText() + ".grad is None");
            g.zero_();
        } else if (s.has("set_grad_none")) {
            tensor(s.get("set_grad_none").asText()).setGrad(null);
        } else if (s.has("retain_grad")) {
            tensor(s.get("retain_grad").asText()).retainGrad();
        } else {
            throw new Mismatch("unknown step " + s);
        }
    }

    private void autogradGrad(JsonNode s) {
        JsonNode g = s.get("autograd_grad");
        Tensor[] outputs = tensors(g.get("outputs"));
        Tensor[] inputs = tensors(g.get("inputs"));
        Tensor[] gradOutputs = null;
        if (g.has("grad_outputs") && !g.get("grad_outputs").isNull()) {
            JsonNode go = g.get("grad_outputs");
            gradOutputs = new Tensor[go.size()];
            for (int i = 0; i < gradOutputs.length; i++) gradOutputs[i] = go.get(i).isNull() ? null : value(go.get(i));
        }
        boolean create = g.path("create_graph").asBoolean(false);
        boolean retain = g.path("retain_graph").asBoolean(create);
        Tensor[] r = Autograd.grad(outputs, gradOutputs, inputs, retain, create, g.path("allow_unused").asBoolean(false));
        bind(s.get("let"), r);
    }

    private void bind(JsonNode let, Object result) {
        if (let == null || let.isNull()) return;
        if (let.isTextual()) {
            if (result instanceof Tensor[] several) {
                throw new Mismatch("the op returned " + several.length + " tensors but the case binds one name");
            }
            env.put(let.asText(), (Tensor) result);
            return;
        }
        Tensor[] several = result instanceof Tensor[] r ? r : new Tensor[] {(Tensor) result};
        if (several.length != let.size()) {
            throw new Mismatch("the op returned " + several.length + " tensors, the case binds " + let.size());
        }
        for (int i = 0; i < several.length; i++) env.put(let.get(i).asText(), several[i]);
    }

    // ---------------------------------------------------------------- errors

    /** A step that must fail with the named kind and change no tensor bound so far. */
    private void runFailingStep(JsonNode s) {
        String want = s.get("error").asText();
        Map<String, String> before = snapshot();
        String got;
        try {
            runStep(s);
            throw new Mismatch("expected a " + want + " error, but the step succeeded");
        } catch (Ops.Unsupported | Mismatch e) {
            throw e;
        } catch (RuntimeException e) {
            got = kind(e);
            if (!want.equals(got)) {
                throw new Mismatch("expected a " + want + " error, got " + got + ": " + e);
            }
            if (e.getMessage() == null || e.getMessage().isBlank()) throw new Mismatch("the " + got + " error has no message");
        }
        Map<String, String> after = snapshot();
        for (var entry : before.entrySet()) {
            String now = after.get(entry.getKey());
            if (!entry.getValue().equals(now)) {
                throw new Mismatch("the failed step changed tensor '" + entry.getKey() + "': before " + entry.getValue()
                        + ", after " + now);
            }
        }
    }

    /** The format's error kind for an exception panagrad threw. */
    static String kind(RuntimeException e) {
        if (e instanceof AutogradException ae) return ae.kind().name().toLowerCase(java.util.Locale.ROOT);
        if (e instanceof ShapeMismatchException) return "shape_mismatch";
        if (e instanceof DTypeMismatchException) return "dtype_mismatch";
        if (e instanceof IndexOutOfBoundsException) return "index_out_of_range";
        return "unclassified (" + e.getClass().getSimpleName() + ")";
    }

    /** Every bound tensor's values, version, flags and grad, as text to compare. */
    private Map<String, String> snapshot() {
        Map<String, String> m = new LinkedHashMap<>();
        for (var e : env.entrySet()) {
            Tensor t = e.getValue();
            if (t == null || t.isReleased()) continue;
            Tensor g = t.grad();
            m.put(e.getKey(), Arrays.toString(t.shape()) + "=" + Arrays.toString(t.toDoubleArray())
                    + " v" + t.version() + " rg=" + t.requiresGrad()
                    + " grad=" + (g == null ? "None" : Arrays.toString(g.toDoubleArray())));
        }
        return m;
    }

    // ---------------------------------------------------------------- checks

    private void check(JsonNode s) {
        String name = s.get("check").asText();
        if (!env.containsKey(name)) throw new Mismatch("check of unbound name '" + name + "'");
        Tensor t = env.get(name);
        double ca = s.has("atol") ? s.get("atol").asDouble() : atol;
        double cr = s.has("rtol") ? s.get("rtol").asDouble() : rtol;
        if (s.has("value")) {
            JsonNode v = s.get("value");
            if (v.isNull()) {
                if (t != null) throw new Mismatch(name + ": expected None, got " + t);
            } else {
                if (t == null) throw new Mismatch(name + ": expected a tensor, got None");
                compare(name, t, v, ca, cr);
            }
        }
        if (t == null) {
            if (s.size() > (s.has("value") ? 2 : 1)) throw new Mismatch(name + " is None but the check asks more of it");
            return;
        }
        if (s.has("shape")) {
            int[] want = Literals.shape(s);
            if (!Arrays.equals(want, t.shape())) {
                throw new Mismatch(name + ": shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(want));
            }
        }
        if (s.has("dtype")) expectEqual(name, "dtype", s.get("dtype").asText(), t.dtype().pyName());
        if (s.has("requires_grad")) expectEqual(name, "requires_grad", s.get("requires_grad").asBoolean(), t.requiresGrad());
        if (s.has("is_leaf")) expectEqual(name, "is_leaf", s.get("is_leaf").asBoolean(), t.isLeaf());
        if (s.has("version")) expectEqual(name, "version", s.get("version").asInt(), t.version());
        if (s.has("grad_fn")) checkGradFn(name, t, s.get("grad_fn"));
        if (s.has("grad")) {
            JsonNode g = s.get("grad");
            Tensor actual = t.grad();
            if (g.isNull()) {
                if (actual != null) throw new Mismatch(name + ".grad: expected None, got " + actual);
            } else {
                if (actual == null) throw new Mismatch(name + ".grad: expected a gradient, got None");
                compare(name + ".grad", actual, g, ca, cr);
            }
        }
    }

    private void checkGradFn(String name, Tensor t, JsonNode want) {
        String actual = t.gradFn() == null ? null : t.gradFn().name();
        if (want.isNull()) {
            if (actual != null) throw new Mismatch(name + ": expected no grad_fn, got " + actual);
            return;
        }
        String w = want.asText();
        if (actual == null) throw new Mismatch(name + ": expected grad_fn " + w + ", got none");
        if (EXACT_NODE_NAMES.contains(w) && !w.equals(actual)) {
            throw new Mismatch(name + ": grad_fn " + actual + ", expected " + w);
        }
        if (!w.equals(actual)) nodeNameDifferences.add(w + " -> " + actual);
    }

    private void compare(String what, Tensor t, JsonNode lit, double a, double r) {
        String m = Literals.mismatch(t, lit, dtype, a, r);
        if (m != null) throw new Mismatch(what + ": " + m);
    }

    private static void expectEqual(String name, String key, Object want, Object got) {
        if (!Objects.equals(want, got)) throw new Mismatch(name + ": " + key + " " + got + ", expected " + want);
    }

    // ---------------------------------------------------------------- arguments

    private Tensor tensor(String name) {
        if (!env.containsKey(name)) throw new Mismatch("unbound name '" + name + "'");
        Tensor t = env.get(name);
        if (t == null) throw new Mismatch("'" + name + "' is None");
        return t;
    }

    private Tensor[] tensors(JsonNode names) {
        Tensor[] r = new Tensor[names.size()];
        for (int i = 0; i < r.length; i++) r[i] = tensor(names.get(i).asText());
        return r;
    }

    /** A literal or the name of a bound tensor. */
    private Tensor value(JsonNode n) {
        return n.isTextual() ? tensor(n.asText()) : Literals.tensor(n, dtype);
    }

    private List<Object> resolveArgs(JsonNode args) {
        List<Object> r = new ArrayList<>();
        if (args != null) for (JsonNode a : args) r.add(resolve(a));
        return r;
    }

    private Object resolve(JsonNode a) {
        if (a == null || a.isNull()) return null;
        if (a.isTextual()) return tensor(a.asText());
        if (a.isBoolean()) return a.asBoolean();
        if (a.isIntegralNumber()) return a.asLong();
        if (a.isNumber()) return a.asDouble();
        if (a.isArray()) return resolveArgs(a);
        if (a.isObject() && a.has("slice")) {
            JsonNode s = a.get("slice");
            return new Args.Slice(optInt(s.get(0)), optInt(s.get(1)), optInt(s.get(2)));
        }
        if (Literals.isLiteral(a)) return Literals.tensor(a, dtype);
        throw new Mismatch("unknown argument " + a);
    }

    private static Integer optInt(JsonNode n) {
        return n == null || n.isNull() ? null : n.asInt();
    }
}
