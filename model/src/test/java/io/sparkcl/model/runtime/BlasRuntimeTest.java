package io.sparkcl.model.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BlasRuntimeTest {
    /** OpenBLAS kernel families that use AVX2 or AVX-512 (OpenBLAS's own names). */
    private static final Set<String> VECTOR_CORES = Set.of("Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids");

    @Test
    void readsTheCoreFromOpenBlasVerboseOutput() {
        assertEquals(Optional.of("Cooperlake"), BlasRuntime.coreFromVerboseOutput(
                "OpenBLAS : some warning\nCore: Cooperlake\nother\n"));
        assertEquals(Optional.of("Prescott"), BlasRuntime.coreFromVerboseOutput("Core: Prescott"));
        assertEquals(Optional.empty(), BlasRuntime.coreFromVerboseOutput("no core line; Core: inside a line\n"));
    }

    @Test
    void readsTheNd4jBuildFromTheLoadedLibraryPath() {
        assertEquals("linux-x86_64-avx2", BlasRuntime.nd4jBuild(List.of(
                "/home/u/.javacpp/cache/openblas.jar/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0",
                "/home/u/.javacpp/cache/app-all.jar/org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-avx2/libnd4jcpu.so")));
        assertEquals("linux-x86_64", BlasRuntime.nd4jBuild(List.of(
                "/c/nd4j-native-linux-x86_64.jar/org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/libnd4jcpu.so")));
        // libjnind4jcpu (the JNI glue) sits beside it; only libnd4jcpu itself is matched.
        assertEquals("unknown", BlasRuntime.nd4jBuild(List.of("/c/x.jar/org/bytedeco/openblas/linux-x86_64/libgomp.so.1")));
    }

    @Test
    void anExplicitCoreTypeIsReportedAsForced() {
        assertEquals("detected by OpenBLAS for this CPU", BlasRuntime.coreSource(null));
        assertEquals("detected by OpenBLAS for this CPU", BlasRuntime.coreSource(" "));
        assertEquals("forced by OPENBLAS_CORETYPE=Haswell", BlasRuntime.coreSource("Haswell"));
    }

    @Test
    void theThreadTimeoutIsReportedAsSetOrAsOpenBlasDefault() {
        assertEquals("idle BLAS threads sleep after 2^4 cycles (OPENBLAS_THREAD_TIMEOUT=4)",
                BlasRuntime.threadTimeout("4"));
        assertTrue(BlasRuntime.threadTimeout(null).startsWith("idle BLAS threads spin 2^28 cycles"));
    }

    @Test
    void reportsTheShippedOpenBlasAndNd4jBuild() {
        BlasRuntime.Report r = BlasRuntime.describe();
        assertEquals("OPENBLAS", r.vendor(), r.line());
        assertTrue(r.version().startsWith("0.3.28"), r.line()); // the root pom's pin, not ND4J's 0.3.19
        assertTrue(r.nd4jBuild().startsWith("linux-x86_64"), r.line());
        assertTrue(r.line().startsWith("BLAS: OPENBLAS 0.3.28"), r.line());
    }

    @Test
    void aUsersExplicitCoreTypeWins() {
        // The probe loads the real library: OpenBLAS must honour the variable over its own detection.
        assertEquals("Haswell", BlasRuntime.probeCoreType(Map.of(BlasRuntime.CORETYPE_VARIABLE, "haswell")));
        assertEquals("Prescott", BlasRuntime.probeCoreType(Map.of(BlasRuntime.CORETYPE_VARIABLE, "PRESCOTT")));
    }

    @Test
    void withNothingSetAnAvx2CpuGetsVectorKernels() throws IOException {
        // The regression this guards: ND4J's own OpenBLAS 0.3.19 fell back to the SSE3 "Prescott" kernels on CPUs it
        // did not know (Intel family 6 model 207), three times slower here. Without OPENBLAS_CORETYPE, any CPU with
        // AVX2 must get an AVX2 or AVX-512 kernel family.
        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuinfo) && hasFlag(Files.readString(cpuinfo), "avx2"), "CPU without AVX2");
        Map<String, String> env = new HashMap<>();
        env.put(BlasRuntime.CORETYPE_VARIABLE, null);
        String core = BlasRuntime.probeCoreType(env);
        assertTrue(VECTOR_CORES.contains(core), "OpenBLAS chose " + core);
    }

    private static boolean hasFlag(String cpuinfo, String flag) {
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("flags")) {
                return List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")).contains(flag);
            }
        }
        return false;
    }
}
