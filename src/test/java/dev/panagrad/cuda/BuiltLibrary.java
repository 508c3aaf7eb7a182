package dev.panagrad.cuda;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers: where the build put libpanagrad_cuda.so, the project directory, the PATH. */
final class BuiltLibrary {
    static final String RESOURCE = "/native/linux-x86_64/libpanagrad_cuda.so";

    private BuiltLibrary() {}

    /** The library among the test class path's resources, or null when the build did not make it. */
    static URL resource() {
        return BuiltLibrary.class.getResource(RESOURCE);
    }

    /** The library's file (tests run from target/classes, where it is a plain file). */
    static Path path() {
        try {
            return Path.of(resource().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Maven project directory (surefire sets basedir; the working directory otherwise). */
    static Path projectDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    }

    /** The first executable called {@code name} on the PATH, or null. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
