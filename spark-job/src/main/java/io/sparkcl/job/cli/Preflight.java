package io.sparkcl.job.cli;

import io.sparkcl.datasets.DataRoot;
import io.sparkcl.datasets.DatasetException;
import io.sparkcl.datasets.download.DatasetDownloader;
import io.sparkcl.job.config.ConfigException;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.DataConfig;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.model.registry.ModelRegistry;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * What can be known before Spark starts is checked before Spark starts, so that a mistake costs no Spark
 * start-up and leaves no run folder behind: the model exists, the user's files exist, and a registry dataset
 * is in the data root (downloaded now if it is missing, so that a download failure is one line).
 */
final class Preflight {
    private Preflight() {
    }

    static void train(TrainConfig c, Configuration conf) {
        knownModel(c.model().model());
        DataConfig d = c.data();
        fileExists(ConfigKey.TRAIN_FILE, d.trainFile(), conf);
        fileExists(ConfigKey.DEV_FILE, d.devFile(), conf);
        fileExists(ConfigKey.TEST_FILE, d.testFile(), conf);
        if (d.usesRegistryDataset()) {
            registryDataset(d.dataset(), d.dataDir(), conf);
        }
    }

    /** evaluate / predict: {@code userFile} is read instead of the registry split when given. */
    static void inference(ConfigKey fileOption, String userFile, String dataset, String dataDir, Configuration conf) {
        fileExists(fileOption, userFile, conf);
        if (userFile == null) {
            registryDataset(dataset, dataDir, conf);
        }
    }

    static void knownModel(String model) {
        if (model == null || ModelRegistry.names().stream().anyMatch(model.trim()::equalsIgnoreCase)) {
            return;
        }
        if (!Files.isRegularFile(Paths.get(model, "config.json"))) {
            throw new ConfigException(ConfigKey.MODEL, "unknown model '" + model + "': not one of "
                    + String.join(", ", ModelRegistry.names()) + " and not a local folder with config.json");
        }
    }

    static void fileExists(ConfigKey option, String path, Configuration conf) {
        if (path == null) {
            return;
        }
        try {
            Path p = new Path(path);
            FileStatus[] found = p.getFileSystem(conf).globStatus(p);
            if (found == null || found.length == 0) {
                throw new ConfigException(option, "file not found: " + path);
            }
        } catch (IOException e) {
            throw new ConfigException(option.optionName(), "cannot read '" + path + "': " + e.getMessage(), e);
        }
    }

    private static void registryDataset(String dataset, String dataDir, Configuration conf) {
        String root = DataRoot.resolve(dataDir);
        try {
            new DatasetDownloader(root, conf).ensureAvailable(dataset);
        } catch (DatasetException e) {
            // before Spark, like every other error the user fixes by choosing another option or data root
            throw new ConfigException(ConfigKey.DATASET, e.getMessage() + rootCause(e));
        }
    }

    private static String rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == e || (e.getMessage() != null && c.getMessage() != null && e.getMessage().contains(c.getMessage()))
                ? "" : " (" + c + ")";
    }
}
