package io.sparkcl.job.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code sparkcl --version}: versions filtered into {@code io/sparkcl/job/version.properties} by Maven. */
public final class VersionInfo implements CommandLine.IVersionProvider {

    public static Properties load() {
        Properties p = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("/io/sparkcl/job/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        return p;
    }

    @Override
    public String[] getVersion() {
        Properties p = load();
        return new String[]{
                "sparkcl " + p.getProperty("version", "unknown"),
                "Spark " + p.getProperty("spark", "?") + " (Scala " + p.getProperty("scala", "?") + "), DL4J/ND4J "
                        + p.getProperty("dl4j", "?") + ", Java " + System.getProperty("java.version")};
    }
}
