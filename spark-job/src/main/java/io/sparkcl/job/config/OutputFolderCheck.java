package io.sparkcl.job.config;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.Set;

/**
 * Checks an output folder through Hadoop's FileSystem (so hdfs:/s3a: work as well as local paths) before any
 * Spark work starts: the folder is created if needed and a probe file is written and deleted. Permissions
 * alone are not trusted because they do not tell the truth for root, HDFS ACLs or object stores.
 */
public final class OutputFolderCheck {
    static final String PROBE = ".sparkcl-write-probe";
    /**
     * What a train run writes before its first step. A folder holding only these (and hidden files: the run
     * folder lock, Hadoop's .crc side files) is a run that failed before training; a new run may reuse it.
     */
    private static final Set<String> BEFORE_FIRST_STEP = Set.of("config.yaml", "config.json", "trainer.json",
            "data.json", "quarantine", "metrics.jsonl", "eval.jsonl");

    private OutputFolderCheck() {
    }

    /**
     * @param option        the option named in errors (e.g. {@code --output})
     * @param mustBeNewRun  fail when the folder already holds files (a previous run) — unless {@code resume}
     * @param resume        the folder must exist (it holds the run to continue)
     */
    public static void checkWritableFolder(String option, String folder, boolean mustBeNewRun, boolean resume,
                                           Configuration conf) {
        checkWritableFolder(option, folder, mustBeNewRun, resume, mustBeNewRun, conf);
    }

    /** A folder that must be new and that no {@code --resume} applies to (predictions). */
    public static void checkNewFolder(String option, String folder, Configuration conf) {
        checkWritableFolder(option, folder, true, false, false, conf);
    }

    private static void checkWritableFolder(String option, String folder, boolean mustBeNewRun, boolean resume,
                                            boolean resumable, Configuration conf) {
        Path path = new Path(folder);
        FileSystem fs;
        try {
            fs = path.getFileSystem(conf);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(option, "no file system for '" + folder + "': " + e.getMessage(), e);
        }
        try {
            boolean exists = fs.exists(path);
            if (exists && !fs.getFileStatus(path).isDirectory()) {
                throw new ConfigException(option, "'" + folder + "' is a file, not a folder");
            }
            if (resume && !exists) {
                throw new ConfigException("--resume", "there is no run folder to resume at '" + folder + "'");
            }
            if (exists && mustBeNewRun && !resume) {
                FileStatus[] children = fs.listStatus(path);
                if (!onlyUnstartedRun(fs, children)) {
                    throw new ConfigException(option, "'" + folder + "' already holds " + children.length
                            + " file(s) of an earlier run; " + (resumable ? "pass --resume to continue it, or " : "")
                            + "choose another folder");
                }
            }
            if (!exists && !fs.mkdirs(path)) {
                throw new ConfigException(option, "cannot create the folder '" + folder + "'");
            }
            Path probe = new Path(path, PROBE);
            try (FSDataOutputStream out = fs.create(probe, true)) {
                out.write(1);
            }
            fs.delete(probe, false);
        } catch (ConfigException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(option, "'" + folder + "' is not writable: " + e.getMessage(), e);
        }
    }

    /** No child, or only what a run that stopped before its first step leaves (no metrics, checkpoint or model). */
    private static boolean onlyUnstartedRun(FileSystem fs, FileStatus[] children) throws IOException {
        for (FileStatus c : children) {
            String name = c.getPath().getName();
            if (name.startsWith(".")) {
                continue;
            }
            if (!BEFORE_FIRST_STEP.contains(name)) {
                return false;
            }
            if (name.endsWith(".jsonl") && c.getLen() > 0) {
                return false;
            }
        }
        return true;
    }
}
