package dev.panagrad.demo;

import dev.panagrad.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * The bundled handwritten digits (UCI, 1,797 8x8 images; see DIGITS-ATTRIBUTION.txt beside
 * the data): pixels scaled to [0, 1] as float32 [N, 64], labels int64 [N], in file order.
 *
 * @param x      images, one row of 64 pixels per sample
 * @param y      labels 0..9
 */
public record Digits(Tensor x, Tensor y) {
    /** Number of samples in the bundled set. */
    public static final int SIZE = 1797;

    /** Reads the bundled data set (the tensors are unscoped: close them when done). */
    public static Digits load() {
        float[] pixels = new float[SIZE * 64];
        long[] labels = new long[SIZE];
        try (InputStream raw = Digits.class.getResourceAsStream("digits.csv.gz")) {
            if (raw == null) throw new IllegalStateException("digits.csv.gz is missing from the jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
            String line;
            int n = 0;
            while ((line = r.readLine()) != null && !line.isBlank()) {
                String[] f = line.split(",");
                if (f.length != 65) throw new IllegalStateException("digits.csv.gz line " + (n + 1) + " has " + f.length + " fields, expected 65");
                for (int i = 0; i < 64; i++) pixels[n * 64 + i] = Integer.parseInt(f[i].trim()) / 16f;
                labels[n] = Integer.parseInt(f[64].trim());
                n++;
            }
            if (n != SIZE) throw new IllegalStateException("digits.csv.gz has " + n + " samples, expected " + SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Digits(Tensor.of(pixels, SIZE, 64).keep(), Tensor.of(labels, SIZE).keep());
    }
}
