package io.sparkcl.job.train;

import io.sparkcl.job.train.report.RunFolder;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.FineTunedModel;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.tokenizer.TokenizerSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Saving trained parameters as a {@link FineTunedModel} folder in the run folder, and loading such a folder
 * from any Hadoop path (the model module works with local paths: remote folders are copied through a
 * local temporary folder).
 */
public final class ModelExport {
    private ModelExport() {
    }

    /** Writes the model into {@code <run>/<name>} (atomically: FineTunedModel's own rename, or upload + rename). */
    public static String save(RunFolder run, String name, BertConfig config, int numLabels, float[] flat,
                              Pooling pooling, ClassifierHead head, List<String> labels, List<String> labelTexts,
                              TokenizerSpec tokenizer, int maxLength, Map<String, ?> trainingConfig) {
        FineTunedModel model = FineTunedModel.of(BertParameters.fromFlat(config, numLabels, flat), pooling, head,
                labels, labelTexts, tokenizer, maxLength, trainingConfig);
        return save(model, run, name);
    }

    /** Writes {@code model} into {@code <run>/<name>} (a Hadoop path), atomically as above. */
    public static String save(FineTunedModel model, RunFolder run, String name) {
        Path target = run.path(name);
        try {
            if ("file".equals(target.toUri().getScheme()) || target.toUri().getScheme() == null) {
                model.save(java.nio.file.Paths.get(target.toUri().getScheme() == null
                        ? new java.io.File(target.toString()).toURI() : target.toUri()));
            } else {
                java.nio.file.Path tmp = Files.createTempDirectory("sparkcl-model");
                try {
                    model.save(tmp.resolve(name));
                    run.uploadFolder(tmp.resolve(name), name);
                } finally {
                    deleteRecursively(tmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + target, e);
        }
        return target.toString();
    }

    /** Loads a FineTunedModel folder given as a Hadoop path or a local path. */
    public static FineTunedModel load(String folder, Configuration conf) {
        try {
            Path p = new Path(folder);
            String scheme = p.toUri().getScheme();
            if (scheme == null) {
                return FineTunedModel.load(java.nio.file.Paths.get(folder));
            }
            if (scheme.equals("file")) {
                return FineTunedModel.load(java.nio.file.Paths.get(p.toUri()));
            }
            FileSystem fs = p.getFileSystem(conf);
            java.nio.file.Path tmp = Files.createTempDirectory("sparkcl-model");
            // The copy must outlive this call: the model's tokenizer spec points into it. Removed at JVM exit.
            deleteAtExit(tmp);
            fs.copyToLocalFile(false, p, new Path(tmp.toUri()), true);
            return FineTunedModel.load(tmp.resolve(p.getName()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the fine-tuned model at " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void deleteAtExit(java.nio.file.Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                deleteRecursively(dir);
            } catch (IOException ignored) {
                // best effort: a temporary folder
            }
        }, "sparkcl-model-cleanup"));
    }

    private static void deleteRecursively(java.nio.file.Path dir) throws IOException {
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            for (java.nio.file.Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
