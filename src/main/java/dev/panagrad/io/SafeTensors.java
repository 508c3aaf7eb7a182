package dev.panagrad.io;

import dev.panagrad.DType;
import dev.panagrad.Tensor;
import dev.panagrad.backend.cpu.CpuBackend;
import dev.panagrad.internal.Internals;
import dev.panagrad.internal.TensorAccess;
import dev.panagrad.memory.Storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading and writing the safetensors format (an 8-byte little-endian header length, a JSON
 * header of dtype/shape/data_offsets per tensor, then raw little-endian data).
 *
 * <p>{@link #open} memory-maps a file: F32, F64 and I64 tensors whose data is aligned are
 * views of the mapping, read-only and copied from nowhere; BF16 and F16 are widened to
 * float32 copies. The tensors are valid until {@link #close()} unmaps the file (using one
 * afterwards throws). {@link #load} copies everything into ordinary tensors instead.
 * Malformed files (truncated, bad header, offsets out of range, unknown or mismatched
 * dtypes) fail with {@link MalformedSafeTensorsException} before any tensor is made.
 */
public final class SafeTensors implements AutoCloseable {
    private static final TensorAccess T = Internals.tensors();
    private static final long MAX_HEADER = 100L << 20;

    private final Arena arena;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Arena arena, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.arena = arena;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Memory-maps {@code file} and returns its tensors (zero-copy where the dtype allows). */
    public static SafeTensors open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment map = size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            SafeTensors st = parse(map, size, file.toString(), arena, true);
            return st;
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads every tensor of {@code file} into new tensors owned by the caller (outside any scope). */
    public static Map<String, Tensor> load(Path file) throws IOException {
        try (SafeTensors st = open(file)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : st.tensors.entrySet()) {
                out.put(e.getKey(), e.getValue().clone().keep()); // the mapped tensors never require grad
            }
            return out;
        }
    }

    /** The tensors by name, in the file's order. */
    public Map<String, Tensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /** One tensor; throws if absent. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor named '" + name + "' in this file; it has " + tensors.keySet());
        return t;
    }

    /** The file's __metadata__ strings. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Unmaps the file and releases the copies; tensors from {@link #tensors()} become unusable. */
    @Override
    public void close() {
        for (Tensor t : tensors.values()) t.close();
        arena.close();
    }

    private static SafeTensors parse(MemorySegment map, long size, String file, Arena arena, boolean zeroCopy)
            throws MalformedSafeTensorsException {
        if (size < 8) throw new MalformedSafeTensorsException(file + ": " + size + " bytes is too short for a safetensors file (no header length)");
        long n = map.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 2 || n > MAX_HEADER || 8 + n > size) {
            throw new MalformedSafeTensorsException(file + ": the header length " + n + " does not fit the file of "
                    + size + " bytes (truncated or not a safetensors file)");
        }
        byte[] json = map.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        SafeTensorsHeader h = SafeTensorsHeader.parse(json, file);
        long dataStart = 8 + n, dataSize = size - dataStart;
        Map<String, DType> dtypes = new LinkedHashMap<>();
        for (Map.Entry<String, SafeTensorsHeader.Entry> e : h.entries.entrySet()) {
            SafeTensorsHeader.Entry en = e.getValue();
            int width = switch (en.dtype()) {
                case "F32" -> 4;
                case "F64", "I64" -> 8;
                case "BF16", "F16" -> 2;
                case "BOOL" -> 1;
                default -> throw new MalformedSafeTensorsException(file + ": tensor '" + e.getKey() + "' has dtype "
                        + en.dtype() + "; readable dtypes are F32, F64, I64, BF16, F16 and BOOL");
            };
            long count = 1;
            for (long s : en.shape()) count = Math.multiplyExact(count, s);
            if (en.begin() < 0 || en.end() < en.begin() || en.end() > dataSize) {
                throw new MalformedSafeTensorsException(file + ": tensor '" + e.getKey() + "' has data_offsets ["
                        + en.begin() + ", " + en.end() + "] outside the data section of " + dataSize + " bytes");
            }
            if (en.end() - en.begin() != count * width) {
                throw new MalformedSafeTensorsException(file + ": tensor '" + e.getKey() + "' of dtype " + en.dtype()
                        + " and shape " + java.util.Arrays.toString(en.shape()) + " needs " + count * width
                        + " bytes but its data_offsets span " + (en.end() - en.begin()));
            }
            dtypes.put(e.getKey(), switch (en.dtype()) {
                case "F64" -> DType.FLOAT64;
                case "I64" -> DType.INT64;
                case "BOOL" -> DType.BOOL;
                default -> DType.FLOAT32;
            });
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, SafeTensorsHeader.Entry> e : h.entries.entrySet()) {
                SafeTensorsHeader.Entry en = e.getValue();
                int[] shape = new int[en.shape().length];
                for (int i = 0; i < shape.length; i++) shape[i] = (int) en.shape()[i];
                MemorySegment bytes = map.asSlice(dataStart + en.begin(), en.end() - en.begin());
                out.put(e.getKey(), materialise(en.dtype(), dtypes.get(e.getKey()), shape, bytes, zeroCopy));
            }
        } catch (RuntimeException ex) {
            for (Tensor t : out.values()) t.close();
            throw ex;
        }
        return new SafeTensors(arena, out, Collections.unmodifiableMap(h.metadata));
    }

    private static Tensor materialise(String fileType, DType dt, int[] shape, MemorySegment bytes, boolean zeroCopy) {
        boolean direct = fileType.equals("F32") || fileType.equals("F64") || fileType.equals("I64") || fileType.equals("BOOL");
        if (direct && zeroCopy && bytes.address() % dt.byteSize() == 0 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            Storage st = Storage.wrap(bytes, "cpu");
            Tensor t = T.wrap(st, CpuBackend.INSTANCE, dt, shape, 0);
            st.release(); // wrap took its own reference
            return t;
        }
        Tensor t = Tensor.empty(dt, shape).keep();
        MemorySegment dst = T.segment(t);
        long count = t.numel();
        switch (fileType) {
            case "BF16" -> {
                for (long i = 0; i < count; i++) {
                    short b = bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 2);
                    dst.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.intBitsToFloat((b & 0xFFFF) << 16));
                }
            }
            case "F16" -> {
                for (long i = 0; i < count; i++) {
                    short b = bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 2);
                    dst.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.float16ToFloat(b));
                }
            }
            default -> MemorySegment.copy(bytes, 0, dst, 0, bytes.byteSize()); // little-endian host, unaligned source
        }
        return t;
    }

    /** Writes tensors (F32, F64, I64 or BOOL) in order, with optional metadata. */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, SafeTensorsHeader.Entry> entries = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            String dt = switch (t.dtype()) {
                case FLOAT32 -> "F32";
                case FLOAT64 -> "F64";
                case INT64 -> "I64";
                case BOOL -> "BOOL";
            };
            long bytes = t.numel() * t.dtype().byteSize();
            long[] shape = new long[t.dim()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.size(i);
            entries.put(e.getKey(), new SafeTensorsHeader.Entry(dt, shape, offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = SafeTensorsHeader.write(entries, metadata);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
            MemorySegment len = arena.allocate(8);
            len.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, header.length);
            writeFully(ch, len);
            writeFully(ch, MemorySegment.ofArray(header));
            try (var g = dev.panagrad.GradMode.noGrad()) {
                for (Tensor t : tensors.values()) {
                    Tensor c = t.contiguous();
                    try {
                        writeFully(ch, c.segment());
                    } finally {
                        if (c != t) c.close();
                    }
                }
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes tensors without metadata. */
    public static void save(Path file, Map<String, Tensor> tensors) throws IOException {
        save(file, tensors, null);
    }

    private static void writeFully(FileChannel ch, MemorySegment seg) throws IOException {
        var buf = seg.asByteBuffer();
        while (buf.hasRemaining()) ch.write(buf);
    }
}
