package dev.panagrad.io;

import dev.panagrad.DType;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** safetensors: round trips, zero-copy mapping, 16-bit reads, and every kind of malformed file. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsValuesDtypesShapesAndMetadata() throws IOException {
        Path f = dir.resolve("m.safetensors");
        try (Scope s = Scope.open()) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("w", Tensor.randn(3, 4));
            m.put("d", Tensor.of(new double[] {1.5, -2}));
            m.put("n", Tensor.scalar(DType.INT64, 7));
            m.put("mask", Tensor.of(new boolean[] {true, false, true}));
            m.put("t", Tensor.randn(4, 3).t()); // non-contiguous: written in row-major order
            SafeTensors.save(f, m, Map.of("format", "pt"));
            try (SafeTensors st = SafeTensors.open(f)) {
                assertEquals(Map.of("format", "pt"), st.metadata());
                assertEquals(m.keySet(), st.tensors().keySet());
                for (String k : m.keySet()) {
                    Tensor a = m.get(k), b = st.get(k);
                    assertEquals(a.dtype(), b.dtype(), k);
                    assertArrayEquals(a.shape(), b.shape(), k);
                    assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), k);
                }
            }
        }
    }

    @Test
    void openedTensorsAreReadOnlyViewsOfTheFile() throws IOException {
        Path f = dir.resolve("v.safetensors");
        try (Scope s = Scope.open()) {
            SafeTensors.save(f, Map.of("x", Tensor.ones(16)));
            try (SafeTensors st = SafeTensors.open(f)) {
                Tensor x = st.get("x");
                assertTrue(x.segment().isMapped(), "F32 data is a view of the mapped file, not a copy");
                assertThrows(RuntimeException.class, () -> x.fill_(2), "the mapping is read-only");
                assertArrayEquals(new float[16], x.sub(1.0).toFloatArray());
            }
            Map<String, Tensor> copies = SafeTensors.load(f);
            copies.get("x").fill_(3); // load() gives ordinary writable tensors
            copies.values().forEach(Tensor::close);
        }
    }

    /** A file written by hand: an 8-byte length, the header, then the data. */
    Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path f = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void bf16AndF16AreReadAsFloat32() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort((short) (Float.floatToIntBits(1.5f) >>> 16)).putShort((short) (Float.floatToIntBits(-2.25f) >>> 16));
        d.putShort(Float.floatToFloat16(0.333251953125f)).putShort(Float.floatToFloat16(-65504f));
        Path f = file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[4,8]}}", d.array());
        try (SafeTensors st = SafeTensors.open(f)) {
            assertEquals(DType.FLOAT32, st.get("a").dtype());
            assertArrayEquals(new float[] {1.5f, -2.25f}, st.get("a").toFloatArray());
            assertArrayEquals(new float[] {0.333251953125f, -65504f}, st.get("b").toFloatArray());
        }
    }

    void malformed(String expectInMessage, Path f) {
        MalformedSafeTensorsException e = assertThrows(MalformedSafeTensorsException.class, () -> SafeTensors.open(f).close());
        assertTrue(e.getMessage().contains(expectInMessage), e.getMessage());
    }

    @Test
    void malformedFilesFailWithAClearError() throws IOException {
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        malformed("too short", tiny);
        Path bigHeader = dir.resolve("big");
        Files.write(bigHeader, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0).array());
        malformed("does not fit", bigHeader);
        malformed("not valid JSON", file("{\"a\" 1}", new byte[0]));
        malformed("must be a JSON object", file("[1, 2]", new byte[0]));
        malformed("outside the data section", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]));
        malformed("needs 16 bytes", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}", new byte[8]));
        malformed("readable dtypes", file("{\"a\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[0,4]}}", new byte[4]));
        malformed("needs dtype, shape and data_offsets", file("{\"a\":{\"dtype\":\"F32\"}}", new byte[0]));
        malformed("invalid size", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0]));
        malformed("two values", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]));
        // A truncated copy of a valid file.
        Path good = dir.resolve("good.safetensors");
        try (Scope s = Scope.open()) {
            SafeTensors.save(good, Map.of("x", Tensor.ones(100)));
        }
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 10));
        malformed("outside the data section", cut);
    }
}
