package dev.panagrad.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every PyTorch-recorded conformance case (format: src/test/resources/conformance/FORMAT.md)
 * bundled in {@code src/test/resources/conformance}, plus the cases of any folder given as
 * {@code -Dconformance.dir=DIR}. Each case is one test; a failing one reports the step, what
 * PyTorch had and what panagrad computed. The run ends with the line
 * {@code conformance: N passed, M failed} (and {@code , K skipped} while
 * {@link #EXPECTED_UNSUPPORTED} names cases).
 */
class ConformanceTest {
    /**
     * Cases that may stay unsupported for now (counted as skipped, not failed). Empty: every
     * bundled case, nn.json included, must pass.
     */
    static final Set<String> EXPECTED_UNSUPPORTED = Set.of();

    private static final AtomicInteger PASSED = new AtomicInteger(), FAILED = new AtomicInteger(),
            SKIPPED = new AtomicInteger();
    private static final List<String> NODE_NAMES = Collections.synchronizedList(new ArrayList<>());

    @TestFactory
    Stream<DynamicNode> cases() throws IOException, URISyntaxException {
        List<DynamicNode> files = new ArrayList<>();
        for (Map.Entry<String, Path> f : caseFiles().entrySet()) {
            JsonNode cases = new ObjectMapper().readTree(f.getValue().toFile());
            List<DynamicTest> tests = new ArrayList<>();
            for (JsonNode c : cases) {
                String name = c.get("name").asText();
                tests.add(DynamicTest.dynamicTest(name, () -> runCase(f.getKey(), c)));
            }
            files.add(DynamicContainer.dynamicContainer(f.getKey(), tests));
        }
        if (files.isEmpty()) fail("no conformance cases found in src/test/resources/conformance");
        return files.stream();
    }

    private static void runCase(String file, JsonNode c) {
        String name = c.get("name").asText();
        CaseRunner.Result r = new CaseRunner(c, NODE_NAMES).run();
        if (r.status() == CaseRunner.Status.PASSED) {
            PASSED.incrementAndGet();
            return;
        }
        String where = file + " / " + name + ", step " + r.step() + " " + step(c, r.step());
        if (EXPECTED_UNSUPPORTED.contains(name)) {
            SKIPPED.incrementAndGet();
            Assumptions.abort("expected unsupported for now: " + where + ": " + r.message());
        }
        FAILED.incrementAndGet();
        String label = r.status() == CaseRunner.Status.UNSUPPORTED ? "unsupported" : "failed";
        System.out.println("conformance " + label + ": " + where + "\n    " + r.message());
        fail(label + ": " + where + ": " + r.message());
    }

    /** The JSON of step {@code i} (counting nested no_grad steps in order), abbreviated. */
    private static String step(JsonNode c, int i) {
        List<JsonNode> flat = new ArrayList<>();
        flatten(c.get("steps"), flat);
        if (i < 0 || i >= flat.size()) return "";
        String s = flat.get(i).toString();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static void flatten(JsonNode steps, List<JsonNode> out) {
        for (JsonNode s : steps) {
            out.add(s);
            for (String k : new String[] {"no_grad", "enable_grad"}) if (s.has(k)) flatten(s.get(k), out);
        }
    }

    /** The bundled case files, then those of -Dconformance.dir, by display name. */
    private static Map<String, Path> caseFiles() throws IOException, URISyntaxException {
        Map<String, Path> files = new TreeMap<>();
        URL bundled = ConformanceTest.class.getResource("/conformance");
        if (bundled != null) addJson(Path.of(bundled.toURI()), "", files);
        String extra = System.getProperty("conformance.dir");
        if (extra != null && !extra.isBlank()) {
            Path dir = Path.of(extra);
            if (!Files.isDirectory(dir)) fail("-Dconformance.dir=" + extra + " is not a directory");
            addJson(dir, dir + "/", files);
        }
        return files;
    }

    private static void addJson(Path dir, String prefix, Map<String, Path> files) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".json")).sorted()
                    .forEach(p -> files.put(prefix + p.getFileName(), p));
        }
    }

    @AfterAll
    static void summary() {
        if (!NODE_NAMES.isEmpty()) {
            System.out.println("conformance: grad_fn names that differ from PyTorch 1.13's (PyTorch -> panagrad): "
                    + new java.util.TreeSet<>(NODE_NAMES));
        }
        String line = "conformance: " + PASSED.get() + " passed, " + FAILED.get() + " failed";
        if (!EXPECTED_UNSUPPORTED.isEmpty()) line += ", " + SKIPPED.get() + " skipped";
        System.out.println(line);
    }
}
