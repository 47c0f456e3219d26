package io.sparkcl.job.cli;

import io.sparkcl.model.runtime.BlasRuntime;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The settings the job's SparkSession gets, without starting Spark. */
class SparkSessionsTest {

    @Test
    void plainJavaRunsEmbeddedLocalSparkQuietly() {
        SparkConf c = SparkSessions.configure(new SparkConf(false), "app", null, "/x/sparkcl-all.jar");
        assertEquals("local[*]", c.get("spark.master"));
        assertEquals("false", c.get("spark.ui.showConsoleProgress"));
        assertEquals("false", c.get("spark.ui.enabled"));
        assertFalse(c.contains("spark.jars"), "local mode ships no jar");
        assertEquals("app", c.get("spark.app.name"));
        assertEquals("120m", c.get("spark.task.maxDirectResultSize"), "a step's gradient goes back as a direct result");
        assertEquals("false", c.get("spark.broadcast.compress"), "the parameters broadcast is not compressed");
        String own = System.getenv("OPENBLAS_THREAD_TIMEOUT");
        assertEquals(own == null || own.isBlank() ? BlasRuntime.DEFAULT_THREAD_TIMEOUT : own.trim(),
                c.get("spark.executorEnv.OPENBLAS_THREAD_TIMEOUT"), "executors' BLAS threads do not spin when idle");
    }

    @Test
    void userSettingsOfTheStepTrafficWin() {
        SparkConf c = SparkSessions.configure(new SparkConf(false).set("spark.task.maxDirectResultSize", "4m")
                .set("spark.broadcast.compress", "true").set("spark.executorEnv.OPENBLAS_THREAD_TIMEOUT", "28"),
                "app", "local[2]", null);
        assertEquals("4m", c.get("spark.task.maxDirectResultSize"));
        assertEquals("true", c.get("spark.broadcast.compress"));
        assertEquals("28", c.get("spark.executorEnv.OPENBLAS_THREAD_TIMEOUT"));
    }

    @Test
    void sparkSubmitSettingsWin() {
        SparkConf submitted = new SparkConf(false).setMaster("spark://h:7077").set("spark.ui.enabled", "true")
                .set("spark.jars", "/submitted.jar").setAppName("mine");
        SparkConf c = SparkSessions.configure(submitted, "app", null, "/x/sparkcl-all.jar");
        assertEquals("spark://h:7077", c.get("spark.master"));
        assertEquals("true", c.get("spark.ui.enabled"));
        assertEquals("/submitted.jar", c.get("spark.jars"));
        assertEquals("mine", c.get("spark.app.name"));
    }

    @Test
    void masterOptionWinsAndShipsOurJar() {
        SparkConf c = SparkSessions.configure(new SparkConf(false).setMaster("local[2]"), "app", "spark://h:7077",
                "/x/sparkcl-all.jar");
        assertEquals("spark://h:7077", c.get("spark.master"));
        assertEquals("/x/sparkcl-all.jar", c.get("spark.jars"));
        SparkConf fromClasses = SparkSessions.configure(new SparkConf(false), "app", "yarn", null);
        assertFalse(fromClasses.contains("spark.jars"), "no jar to ship when running from classes");
    }
}
