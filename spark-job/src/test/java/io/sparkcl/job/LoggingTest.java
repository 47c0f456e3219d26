package io.sparkcl.job;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/** SLF4J 2 is bound to log4j2 (DL4J's SLF4J 1.7 would silence everything) and our config is sane. */
class LoggingTest {

    @Test
    void slf4jIsBoundToLog4j2AndLinesArrive() {
        assertEquals("org.apache.logging.slf4j.Log4jLoggerFactory",
                LoggerFactory.getILoggerFactory().getClass().getName());
        LoggerContext ctx = (LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        List<String> lines = new CopyOnWriteArrayList<>();
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, null) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLevel() + " " + event.getLoggerName() + " " + event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        ctx.getConfiguration().getLoggerConfig("io.sparkcl").addAppender(capture, Level.INFO, null);
        ctx.updateLoggers();
        try {
            Logger log = LoggerFactory.getLogger("io.sparkcl.job.LoggingTest");
            log.info("step {} of {}", 3, 10);
            log.debug("not at INFO");
            // java.util.logging goes the same way once SparkClMain has installed the bridge.
            SparkClMain.run(new String[]{"--version"}, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            java.util.logging.Logger.getLogger("io.sparkcl.jul").info("from jul");
        } finally {
            ctx.getConfiguration().getLoggerConfig("io.sparkcl").removeAppender("capture");
            ctx.updateLoggers();
        }
        assertTrue(lines.contains("INFO io.sparkcl.job.LoggingTest step 3 of 10"), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("not at INFO")), lines.toString());
        assertTrue(lines.contains("INFO io.sparkcl.jul from jul"), lines.toString());
    }

    @Test
    void productionConfigQuietsLibraries() throws Exception {
        try (InputStream in = LoggingTest.class.getResourceAsStream("/log4j2.properties")) {
            assertNotNull(in, "log4j2.properties on the classpath");
            ConfigurationSource src = new ConfigurationSource(in);
            Configuration conf = new PropertiesConfigurationFactory().getConfiguration(new LoggerContext("check"), src);
            conf.initialize();
            assertEquals(Level.INFO, conf.getLoggerConfig("io.sparkcl.job.train.X").getLevel());
            assertEquals(Level.WARN, conf.getLoggerConfig("org.apache.spark.scheduler.DAGScheduler").getLevel());
            assertEquals(Level.WARN, conf.getLoggerConfig("org.apache.hadoop.fs.FileSystem").getLevel());
            assertEquals(Level.WARN, conf.getLoggerConfig("org.nd4j.linalg.factory.Nd4jBackend").getLevel());
            assertEquals(Level.WARN, conf.getLoggerConfig("org.deeplearning4j.spark").getLevel());
            assertNotNull(conf.getAppenders().get("console"));
        }
    }
}
