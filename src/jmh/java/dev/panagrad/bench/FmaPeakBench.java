package dev.panagrad.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The float32 FMA peak of one core, measured in the same run as the GEMM so that "85% of
 * peak" is a ratio of two figures taken under the same load (this machine is shared, and its
 * peak has been seen anywhere from 210 to 273 GFLOP/s). {@link #ITERATIONS} rounds of 24
 * independent FMA chains on the preferred species, as many as the GEMM micro-kernel's
 * accumulators; one op is {@code 2 * 24 * lanes * ITERATIONS} flops ({@code bench/table.py}
 * prints GFLOP/s). It matches a C loop of 16 AVX-512 chains built with gcc -O3
 * -march=native (BENCHMARKS.md's method) within a few percent.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FmaPeakBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Rounds of 24 FMAs per op. */
    public static final int ITERATIONS = 4096;
    /** float32 flops per op. */
    public static final long FLOPS = 2L * 24 * S.length() * ITERATIONS;

    /** Not constants, so the chains cannot be folded. */
    public float x = 1.0001f, y = 0.9999f;

    @Benchmark
    public float fma24() {
        FloatVector a = FloatVector.broadcast(S, x), b = FloatVector.broadcast(S, y);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        FloatVector c16 = c0, c17 = c0, c18 = c0, c19 = c0, c20 = c0, c21 = c0, c22 = c0, c23 = c0;
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = a.fma(b, c0); c1 = a.fma(b, c1); c2 = a.fma(b, c2); c3 = a.fma(b, c3);
            c4 = a.fma(b, c4); c5 = a.fma(b, c5); c6 = a.fma(b, c6); c7 = a.fma(b, c7);
            c8 = a.fma(b, c8); c9 = a.fma(b, c9); c10 = a.fma(b, c10); c11 = a.fma(b, c11);
            c12 = a.fma(b, c12); c13 = a.fma(b, c13); c14 = a.fma(b, c14); c15 = a.fma(b, c15);
            c16 = a.fma(b, c16); c17 = a.fma(b, c17); c18 = a.fma(b, c18); c19 = a.fma(b, c19);
            c20 = a.fma(b, c20); c21 = a.fma(b, c21); c22 = a.fma(b, c22); c23 = a.fma(b, c23);
        }
        FloatVector s = c0.add(c1).add(c2.add(c3)).add(c4.add(c5).add(c6.add(c7)))
                .add(c8.add(c9).add(c10.add(c11)).add(c12.add(c13).add(c14.add(c15))))
                .add(c16.add(c17).add(c18.add(c19)).add(c20.add(c21).add(c22.add(c23))));
        return s.lane(0);
    }
}
