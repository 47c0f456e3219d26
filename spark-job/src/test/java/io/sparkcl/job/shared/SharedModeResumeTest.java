package io.sparkcl.job.shared;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.LocalSpark;
import io.sparkcl.job.train.TestData;
import io.sparkcl.job.train.TrainJob;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --mode shared} through TrainJob on local[2]: the run folder per epoch, and {@code --resume} after an epoch. */
class SharedModeResumeTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);

    @TempDir
    Path tmp;

    private TrainConfig config(Path out, int epochs, boolean resume) {
        return TrainConfig.builder().dataset("cr").dataDir(TestData.dataDir()).model("tiny-random").method("ce")
                .globalBatch(8).epochs(epochs).lr(1e-2).maxLength(32).partitions(2)
                .set(ConfigKey.FEW_SHOT, 8).set(ConfigKey.DEV_FRACTION, 0.0).set(ConfigKey.MODE, "shared")
                .set(ConfigKey.PS_PORT, SharedTrainerTest.freeUdpPorts(5)).set(ConfigKey.RESUME, resume)
                .output(out.toUri().toString()).build();
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void resumesAfterTheLastFinishedEpoch(SparkSession spark) throws Exception {
        Path out = tmp.resolve("run");
        TrainJob.run(config(out, 2, false).validate(), spark);
        ObjectMapper json = new ObjectMapper();
        long afterTwo = json.readTree(out.resolve("checkpoints/last/state.json").toFile()).get("next_step").asLong();
        assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "one metrics line per epoch");

        TrainJob.run(config(out, 3, true).validate(), spark);
        List<Long> steps = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            steps.add(json.readTree(line).get("step").asLong());
        }
        assertEquals(3, steps.size(), "the resumed run adds the third epoch's line: " + steps);
        assertEquals(afterTwo, steps.get(1), "epoch lines end at global-batch steps: " + steps);
        assertEquals(afterTwo / 2 * 3, steps.get(2), "the third epoch continues the count: " + steps);
        long afterThree = json.readTree(out.resolve("checkpoints/last/state.json").toFile()).get("next_step")
                .asLong();
        assertEquals(afterTwo / 2 * 3, afterThree);
        assertTrue(Files.exists(out.resolve("model/model.safetensors")));
    }
}
