package dev.panagrad;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Registered for every test class (META-INF/services, autodetection on in
 * junit-platform.properties): after a class's tests it collects garbage and fails the class
 * if the leak check ({@code -Dpanagrad.leakCheck=true}, set by the build) found a storage that
 * was never released since the class began. Only the test that leaks on purpose is exempt.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {
    /** The method of MemoryAndScopeTest that drops a tensor on purpose to see it reported. */
    static final String INTENTIONAL = "dropAnUnreleasedTensor";
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakCheckExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("before", Memory.leaks().size());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (!Boolean.getBoolean("panagrad.leakCheck")) return;
        int before = context.getStore(NS).get("before", Integer.class);
        // Cleaners run on their own thread once the collector found the storages unreachable.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(30);
        }
        List<String> leaks = Memory.leaks();
        List<String> mine = leaks.subList(Math.min(before, leaks.size()), leaks.size()).stream()
                .filter(l -> !l.contains(INTENTIONAL)).toList();
        if (!mine.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " leaked " + mine.size()
                    + " storage(s) (allocated and never released):\n" + String.join("\n", mine));
        }
    }
}
