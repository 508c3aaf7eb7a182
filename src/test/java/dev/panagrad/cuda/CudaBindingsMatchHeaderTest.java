package dev.panagrad.cuda;

import dev.panagrad.cuda.bindings.panagrad_cuda_h;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The hand-written bindings (native-bindings/) follow panagrad_cuda.h: one wrapper per function
 * with the same parameter count, the jextract accessors, the constants, and includes.txt.
 * Needs neither the library nor a GPU.
 */
class CudaBindingsMatchHeaderTest {

    @Test
    void everyFunctionHasAWrapperWithTheSameParameterCount() throws IOException {
        Map<String, Integer> header = new TreeMap<>();
        for (HeaderFunctions.Function f : HeaderFunctions.parse()) {
            header.put(f.name(), f.parameters());
        }
        Map<String, Integer> bindings = new TreeMap<>();
        for (Method m : panagrad_cuda_h.class.getDeclaredMethods()) {
            if (m.getName().startsWith("pg_") && !m.getName().contains("$") && isPublicStatic(m)) {
                bindings.put(m.getName(), m.getParameterCount());
            }
        }
        assertEquals(header, bindings, "panagrad_cuda.h functions vs panagrad_cuda_h wrappers (name=parameters)");
    }

    @Test
    void everyFunctionHasTheJextractAccessors() throws Exception {
        for (HeaderFunctions.Function f : HeaderFunctions.parse()) {
            assertEquals(MethodHandle.class, panagrad_cuda_h.class.getMethod(f.name() + "$handle").getReturnType());
            panagrad_cuda_h.class.getMethod(f.name() + "$descriptor");
            panagrad_cuda_h.class.getMethod(f.name() + "$address");
        }
    }

    @Test
    void constantsMatchTheHeader() throws Exception {
        Map<String, Integer> header = HeaderFunctions.constants();
        assertFalse(header.isEmpty());
        for (var e : header.entrySet()) {
            assertEquals(e.getValue(), panagrad_cuda_h.class.getMethod(e.getKey()).invoke(null), e.getKey());
        }
    }

    @Test
    void includesListsEveryFunctionAndConstant() throws IOException {
        List<String> lines = Files.readAllLines(BuiltLibrary.projectDir().resolve("native-bindings/includes.txt"));
        Set<String> functions = filtered(lines, "--include-function ");
        Set<String> constants = filtered(lines, "--include-constant ");
        assertEquals(HeaderFunctions.parse().stream().map(HeaderFunctions.Function::name)
                .collect(Collectors.toCollection(TreeSet::new)), functions);
        assertEquals(new TreeSet<>(HeaderFunctions.constants().keySet()), constants);
    }

    private static Set<String> filtered(List<String> lines, String prefix) {
        return lines.stream().map(String::trim).filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()).trim())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static boolean isPublicStatic(Method m) {
        return Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers());
    }
}
