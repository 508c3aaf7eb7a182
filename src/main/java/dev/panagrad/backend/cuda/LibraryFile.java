package dev.panagrad.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Finds libpanagrad_cuda.so among the classes and gives it a path on disk that dlopen can open. */
final class LibraryFile {
    static final String NAME = "libpanagrad_cuda.so";
    /** Where cuda-src/build.sh puts the library (target/classes/native/linux-x86_64, then the jar). */
    static final String RESOURCE = "/native/linux-x86_64/" + NAME;

    private LibraryFile() {}

    /** The library as a class path resource, or null when the build did not produce it. */
    static URL find() {
        return LibraryFile.class.getResource(RESOURCE);
    }

    /**
     * A path to the library: the resource itself when it is a plain file (target/classes), else
     * a copy in java.io.tmpdir, deleted when the JVM exits (inside a jar dlopen cannot reach it).
     */
    static Path materialize(URL url) throws IOException {
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new IOException("cannot turn " + url + " into a path: " + e.getMessage(), e);
            }
        }
        // createTempFile makes a fresh, owner-only file, so no other user can swap in their own code.
        Path copy = Files.createTempFile("libpanagrad_cuda-", ".so");
        copy.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    /** Whether the path is a temporary copy (so a load failure may come from a noexec temp directory). */
    static boolean isExtracted(URL url) {
        return !"file".equals(url.getProtocol());
    }
}
