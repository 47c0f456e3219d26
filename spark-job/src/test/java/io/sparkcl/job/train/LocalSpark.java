package io.sparkcl.job.train;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.function.UnaryOperator;

/**
 * In-process Spark for tests (local[n], no UI, no console progress bar, bound to 127.0.0.1), and the JUnit 5
 * extension that gives a test class one session:
 * <pre>
 * &#64;RegisterExtension
 * static final LocalSpark SPARK = LocalSpark.threads(2);
 *
 * &#64;Test
 * void trains(SparkSession spark) { … }       // or JavaSparkContext jsc; helpers: SPARK.session(), SPARK.jsc()
 * </pre>
 * The session starts when a test first asks for it (so a class's {@code @BeforeAll} can prepare what its
 * settings read) and stops after the class's last test.
 */
public final class LocalSpark implements AfterAllCallback, ParameterResolver {
    private final String master;
    private final UnaryOperator<SparkSession.Builder> settings;
    private SparkSession session;

    private LocalSpark(String master, UnaryOperator<SparkSession.Builder> settings) {
        this.master = master;
        this.settings = settings;
    }

    /** {@code local[threads]}. */
    public static LocalSpark threads(int threads) {
        return new LocalSpark("local[" + threads + "]", UnaryOperator.identity());
    }

    /** {@code local[threads, maxFailures]}: Spark retries a failed task, as on a cluster. */
    public static LocalSpark threadsWithRetries(int threads, int maxFailures) {
        return new LocalSpark("local[" + threads + "," + maxFailures + "]", UnaryOperator.identity());
    }

    /** The same with more settings, applied when the session starts. */
    public LocalSpark with(UnaryOperator<SparkSession.Builder> more) {
        return new LocalSpark(master, b -> more.apply(settings.apply(b)));
    }

    public synchronized SparkSession session() {
        if (session == null) {
            session = settings.apply(SparkSession.builder()
                    .master(master)
                    .appName("sparkcl-test")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1"))
                    .getOrCreate();
        }
        return session;
    }

    public JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == SparkSession.class || type == JavaSparkContext.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SparkSession.class ? session() : jsc();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (session != null) {
            session.stop();
            session = null;
        }
    }
}
