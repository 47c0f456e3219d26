package io.sparkcl.model.runtime;

import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which BLAS this JVM's ND4J computes its GEMMs with: vendor, library version, the ND4J native build (classifier) and
 * the kernel family ("core type") OpenBLAS chose for this CPU.
 *
 * <p>Nothing here selects anything: the OpenBLAS shipped with the job (see the root pom) detects the CPU itself when it
 * loads, in every JVM (driver and executors alike), and honours an explicit {@code OPENBLAS_CORETYPE}. This class only
 * reports the outcome, for {@code sparkcl bench encoder}.
 *
 * <p>OpenBLAS's Java bindings do not expose {@code openblas_get_corename}, so the core type is read from a short-lived
 * child JVM that loads the same library from the same class path and environment with {@code OPENBLAS_VERBOSE=2},
 * which makes OpenBLAS print {@code Core: NAME} while it initialises.
 */
public final class BlasRuntime {
    /** The environment variable with which a user forces OpenBLAS's kernel family. */
    public static final String CORETYPE_VARIABLE = "OPENBLAS_CORETYPE";
    /** How long OpenBLAS's idle worker threads spin before they sleep: 2^N cycles (N in 4..30; OpenBLAS: 28). */
    public static final String THREAD_TIMEOUT_VARIABLE = "OPENBLAS_THREAD_TIMEOUT";
    /**
     * SparkCL's value of {@link #THREAD_TIMEOUT_VARIABLE}: idle workers sleep at once. With OpenBLAS's default they
     * spin for ≈ 0.1 s after every GEMM, holding a core the Java kernels between the GEMMs need (model/README.md,
     * "BLAS"). OpenBLAS reads it when it loads, so it has to be in each JVM's environment: the launcher sets it for
     * the driver, the job for executors ({@code spark.executorEnv.*}); a value the user set wins.
     */
    public static final String DEFAULT_THREAD_TIMEOUT = "4";

    private static final Pattern CORE_LINE = Pattern.compile("(?m)^Core: *(\\S+)");
    private static final Pattern ND4J_BUILD = Pattern.compile("bindings[/\\\\]([^/\\\\]+)[/\\\\][^/\\\\]*nd4jcpu[^/\\\\]*$");
    private static final long PROBE_TIMEOUT_SECONDS = 60;

    private BlasRuntime() {
    }

    /**
     * What a report says.
     *
     * @param vendor     ND4J's BLAS vendor (OPENBLAS, MKL, ...)
     * @param version    the {@code org.bytedeco:openblas} artifact version on the class path, or "unknown"
     * @param nd4jBuild  the classifier of the loaded libnd4jcpu (e.g. linux-x86_64-avx2), or "unknown"
     * @param coreType   the OpenBLAS kernel family in use, or "unknown (reason)"
     * @param coreSource how the core type was chosen: detected by OpenBLAS, or forced by OPENBLAS_CORETYPE=...
     */
    public record Report(String vendor, String version, String nd4jBuild, String coreType, String coreSource,
                         String threadTimeout) {
        /** One line for logs and benchmarks. */
        public String line() {
            return "BLAS: " + vendor + " " + version + ", ND4J native build " + nd4jBuild + ", core " + coreType
                    + " (" + coreSource + "), " + threadTimeout;
        }
    }

    /**
     * Sets the native threads of this JVM's GEMMs (BLAS) and of libnd4j's other operations (process-wide), on ND4J's
     * CPU backend only; returns the BLAS thread count before, or 0 on another backend (nothing changed).
     */
    public static int useThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (!Nd4j.getEnvironment().isCPU()) {
            return 0;
        }
        int before = Nd4j.factory().blas().getMaxThreads();
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        return before;
    }

    /** The BLAS thread count in use (0 when ND4J's backend is not the CPU one). */
    public static int threads() {
        return Nd4j.getEnvironment().isCPU() ? Nd4j.factory().blas().getMaxThreads() : 0;
    }

    /** Loads ND4J's backend if needed and reports the BLAS it uses; the core type costs a child JVM (~1 s). */
    public static Report describe() {
        Nd4j.getExecutioner(); // loads libnd4jcpu and with it OpenBLAS
        String vendor = String.valueOf(Nd4j.factory().blas().getBlasVendor());
        return new Report(vendor, openBlasArtifactVersion(), nd4jBuild(Loader.getLoadedLibraries().values()),
                probeCoreType(Map.of()), coreSource(System.getenv(CORETYPE_VARIABLE)),
                threadTimeout(System.getenv(THREAD_TIMEOUT_VARIABLE)));
    }

    /** How this JVM's idle BLAS threads wait, from its {@link #THREAD_TIMEOUT_VARIABLE}. */
    static String threadTimeout(String value) {
        return value == null || value.isBlank()
                ? "idle BLAS threads spin 2^28 cycles (OpenBLAS's default: " + THREAD_TIMEOUT_VARIABLE
                        + " not set; deploy/bin/sparkcl sets " + DEFAULT_THREAD_TIMEOUT + ")"
                : "idle BLAS threads sleep after 2^" + value.trim() + " cycles (" + THREAD_TIMEOUT_VARIABLE + "="
                        + value.trim() + ")";
    }

    /** The value executors get: the driver's own if it has one, else {@link #DEFAULT_THREAD_TIMEOUT}. */
    public static String threadTimeoutForExecutors() {
        String own = System.getenv(THREAD_TIMEOUT_VARIABLE);
        return own == null || own.isBlank() ? DEFAULT_THREAD_TIMEOUT : own.trim();
    }

    /** "detected by OpenBLAS" unless the user forced a core type through the environment. */
    static String coreSource(String forcedCoreType) {
        return forcedCoreType == null || forcedCoreType.isBlank() ? "detected by OpenBLAS for this CPU"
                : "forced by " + CORETYPE_VARIABLE + "=" + forcedCoreType;
    }

    /** The version in the openblas artifact's Maven metadata (kept in the shaded jar), or "unknown". */
    static String openBlasArtifactVersion() {
        try (InputStream in = BlasRuntime.class.getResourceAsStream("/META-INF/maven/org.bytedeco/openblas/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The classifier folder of the loaded libnd4jcpu ({@code .../bindings/linux-x86_64-avx2/libnd4jcpu.so}). */
    static String nd4jBuild(Iterable<String> loadedLibraryPaths) {
        for (String path : loadedLibraryPaths) {
            Matcher m = ND4J_BUILD.matcher(path);
            if (m.find()) {
                return m.group(1);
            }
        }
        return "unknown";
    }

    /** The core name OpenBLAS prints at start-up with OPENBLAS_VERBOSE=2. */
    static Optional<String> coreFromVerboseOutput(String output) {
        Matcher m = CORE_LINE.matcher(output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The core type OpenBLAS picks in a child JVM with this JVM's class path and environment, plus {@code extraEnv}
     * (a null value removes a variable).
     */
    static String probeCoreType(Map<String, String> extraEnv) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CoreProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OPENBLAS_VERBOSE", "2");
        extraEnv.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // The probe prints a few lines only, so reading to the end cannot block on a full pipe.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown (probe timed out)";
            }
            return coreFromVerboseOutput(out).orElse("unknown (OpenBLAS printed no core: " + firstLine(out) + ")");
        } catch (IOException e) {
            return "unknown (probe failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** Child JVM entry point: loading OpenBLAS runs its CPU detection, which prints the core when verbose. */
    public static final class CoreProbe {
        private CoreProbe() {
        }

        public static void main(String[] args) {
            Loader.load(org.bytedeco.openblas.global.openblas_nolapack.class);
        }
    }
}
