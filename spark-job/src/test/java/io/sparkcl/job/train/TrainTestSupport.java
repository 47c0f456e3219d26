package io.sparkcl.job.train;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.exec.FaultInjection;
import io.sparkcl.job.train.report.RunFolder;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Shared set-up of the trainer tests: a tiny random encoder, synthetic rows, settings. */
final class TrainTestSupport {
    static final int K = 3;

    private TrainTestSupport() {
    }

    static ModelStart tinyStart(double dropout, long seed) {
        BertConfig cfg = SyntheticData.tinyConfig(dropout);
        float[] p = BertParameters.randomInit(cfg, K, seed, DataType.FLOAT).flat().dup().data().asFloat();
        return new ModelStart(cfg, K, p);
    }

    static TrainConfig settings(String method, Path out, int batch, int micro, long steps) {
        return TrainConfig.builder().dataset("synthetic").model("tiny-random").method(method).lambda(0.5).tau(0.3)
                .globalBatch(batch).microBatch(micro).steps(steps).lr(1e-3).set(ConfigKey.WARMUP, 0.0)
                .set(ConfigKey.DROPOUT, 0.1).set(ConfigKey.MAX_BAD_ROWS, "0")
                .set(ConfigKey.EVAL_EVERY, 0L).set(ConfigKey.CHECKPOINT_EVERY, 0L)
                .output(out.toUri().toString()).build();
    }

    /** {@code c} evaluating every {@code evalEvery} steps and checkpointing every {@code checkpointEvery}. */
    static TrainConfig withSchedule(TrainConfig c, long evalEvery, long checkpointEvery) {
        return c.toBuilder().set(ConfigKey.EVAL_EVERY, evalEvery).set(ConfigKey.CHECKPOINT_EVERY, checkpointEvery)
                .build();
    }

    static TrainingData data(JavaSparkContext jsc, List<TrainingRow> train, List<TrainingRow> dev, int partitions) {
        JavaRDD<TrainingRow> rdd = jsc.parallelize(train, partitions).cache();
        int[] labels = new int[train.size()];
        for (TrainingRow r : train) {
            labels[(int) r.index()] = r.label();
        }
        JavaRDD<TrainingRow> devRdd = dev == null ? null : jsc.parallelize(dev, partitions).cache();
        return new TrainingData(rdd, devRdd, null, List.of("a", "b", "c"), labels, SyntheticData.PAD, Map.of());
    }

    static TrainResult trainOnSpark(JavaSparkContext jsc, TrainConfig s, TrainingData d, ModelStart start) {
        return trainOnSpark(jsc, s, d, start, FaultInjection.NONE);
    }

    static TrainResult trainOnSpark(JavaSparkContext jsc, TrainConfig s, TrainingData d, ModelStart start,
                                    FaultInjection faults) {
        RunFolder folder = new RunFolder(s.run().output(), jsc.hadoopConfiguration());
        return new ExactTrainer().train(new TrainingRun(jsc, s, d, start, folder, faults));
    }

    /** max |a-b| / max |b|. */
    static double maxRelDiff(float[] a, float[] b) {
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) a[i] - b[i]));
            maxAbs = Math.max(maxAbs, Math.abs(b[i]));
        }
        return maxDiff / maxAbs;
    }

    /** ||a-b|| / ||b||. */
    static double relNorm(float[] a, float[] b) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            n += (double) b[i] * b[i];
        }
        return Math.sqrt(d / n);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> readMetrics(TrainConfig s, JavaSparkContext jsc) {
        RunFolder run = new RunFolder(s.run().output(), jsc.hadoopConfiguration());
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (String line : run.readString("metrics.jsonl").split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(new com.fasterxml.jackson.databind.ObjectMapper().readValue(line, Map.class));
                } catch (Exception e) {
                    throw new AssertionError("bad metrics line " + line, e);
                }
            }
        }
        return out;
    }
}
