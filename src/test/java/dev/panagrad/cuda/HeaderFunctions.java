package dev.panagrad.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads cuda-src/panagrad_cuda.h: its PG_API function prototypes and PG_* integer macros. */
final class HeaderFunctions {
    /** A prototype: its name and parameter count. */
    record Function(String name, int parameters) {}

    // "PG_API int pg_malloc(void **ptr, size_t bytes);" (one line each, as the header is written)
    private static final Pattern PROTOTYPE = Pattern.compile("^PG_API\\s+[^(]*?\\b(pg_\\w+)\\s*\\(([^)]*)\\)\\s*;",
            Pattern.MULTILINE);
    private static final Pattern CONSTANT = Pattern.compile("^#define\\s+(PG_\\w+)\\s+(\\d+)\\s*$", Pattern.MULTILINE);

    private HeaderFunctions() {}

    static Path header() {
        return BuiltLibrary.projectDir().resolve("cuda-src/panagrad_cuda.h");
    }

    static List<Function> parse() throws IOException {
        String text = Files.readString(header());
        List<Function> functions = new ArrayList<>();
        Matcher m = PROTOTYPE.matcher(text);
        while (m.find()) {
            String params = m.group(2).trim();
            int count = params.isEmpty() || params.equals("void") ? 0 : params.split(",").length;
            functions.add(new Function(m.group(1), count));
        }
        if (functions.isEmpty()) {
            throw new IllegalStateException("no PG_API prototypes found in " + header());
        }
        return functions;
    }

    static Map<String, Integer> constants() throws IOException {
        Map<String, Integer> constants = new LinkedHashMap<>();
        Matcher m = CONSTANT.matcher(Files.readString(header()));
        while (m.find()) {
            constants.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return constants;
    }
}
