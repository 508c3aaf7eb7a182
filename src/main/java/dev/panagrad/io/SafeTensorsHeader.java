package dev.panagrad.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON header of a safetensors file, parsed and written with jackson-core's streaming API. */
final class SafeTensorsHeader {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** One tensor's entry: dtype name, shape and byte range in the data section. */
    record Entry(String dtype, long[] shape, long begin, long end) {
    }

    final Map<String, Entry> entries;
    final Map<String, String> metadata;

    private SafeTensorsHeader(Map<String, Entry> entries, Map<String, String> metadata) {
        this.entries = entries;
        this.metadata = metadata;
    }

    static SafeTensorsHeader parse(byte[] json, String file) throws MalformedSafeTensorsException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the header must be a JSON object", file);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                expect(p.nextToken(), JsonToken.START_OBJECT, "entry '" + key + "' must be an object", file);
                if (key.equals("__metadata__")) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        expect(p.nextToken(), JsonToken.VALUE_STRING, "metadata value '" + k + "' must be a string", file);
                        metadata.put(k, p.getText());
                    }
                    continue;
                }
                String dtype = null;
                long[] shape = null, offsets = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken t = p.nextToken();
                    switch (f) {
                        case "dtype" -> {
                            expect(t, JsonToken.VALUE_STRING, "'" + key + "'.dtype must be a string", file);
                            dtype = p.getText();
                        }
                        case "shape" -> shape = longs(p, t, key + ".shape", file);
                        case "data_offsets" -> offsets = longs(p, t, key + ".data_offsets", file);
                        default -> p.skipChildren();
                    }
                }
                if (dtype == null || shape == null || offsets == null) {
                    throw new MalformedSafeTensorsException(file + ": entry '" + key
                            + "' needs dtype, shape and data_offsets");
                }
                if (offsets.length != 2) {
                    throw new MalformedSafeTensorsException(file + ": '" + key + "'.data_offsets must have two values");
                }
                for (long s : shape) {
                    if (s < 0 || s > Integer.MAX_VALUE) {
                        throw new MalformedSafeTensorsException(file + ": '" + key + "' has an invalid size " + s + " in its shape");
                    }
                }
                if (entries.put(key, new Entry(dtype, shape, offsets[0], offsets[1])) != null) {
                    throw new MalformedSafeTensorsException(file + ": tensor '" + key + "' appears twice");
                }
            }
            if (p.nextToken() != null) throw new MalformedSafeTensorsException(file + ": trailing data after the header object");
        } catch (MalformedSafeTensorsException e) {
            throw e;
        } catch (IOException e) {
            throw new MalformedSafeTensorsException(file + ": the header is not valid JSON: " + e.getMessage(), e);
        }
        return new SafeTensorsHeader(entries, metadata);
    }

    private static long[] longs(JsonParser p, JsonToken t, String what, String file) throws IOException {
        expect(t, JsonToken.START_ARRAY, what + " must be an array of integers", file);
        List<Long> out = new ArrayList<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(t, JsonToken.VALUE_NUMBER_INT, what + " must contain integers", file);
            out.add(p.getLongValue());
        }
        long[] r = new long[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = out.get(i);
        return r;
    }

    private static void expect(JsonToken got, JsonToken want, String msg, String file) throws MalformedSafeTensorsException {
        if (got != want) throw new MalformedSafeTensorsException(file + ": " + msg + " (found " + got + ")");
    }

    /** The header JSON for entries in order, padded with spaces to a multiple of 8 bytes. */
    static byte[] write(Map<String, Entry> entries, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bos)) {
            g.writeStartObject();
            if (metadata != null && !metadata.isEmpty()) {
                g.writeObjectFieldStart("__metadata__");
                for (Map.Entry<String, String> e : metadata.entrySet()) g.writeStringField(e.getKey(), e.getValue());
                g.writeEndObject();
            }
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry en = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", en.dtype());
                g.writeArrayFieldStart("shape");
                for (long s : en.shape()) g.writeNumber(s);
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(en.begin());
                g.writeNumber(en.end());
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        byte[] raw = bos.toByteArray();
        int padded = (raw.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(raw, 0, out, 0, raw.length);
        for (int i = raw.length; i < padded; i++) out[i] = ' ';
        return out;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
