package io.sparkcl.job.train.data;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.LocalSpark;
import io.sparkcl.job.train.TestData;
import io.sparkcl.job.train.TrainingData;
import io.sparkcl.model.tokenizer.TokenizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --label-order}: DualCL's training inputs carry the label names in a per-example, per-epoch shuffled order
 * (default) or in the dataset's order (as the reference code's current version), read from the label-token
 * positions of the tokenised rows ({@code trec}, 6 labels, 4 rows per class).
 */
class LabelOrderTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);
    @TempDir
    static Path tmp;

    private static TrainingData tokenized(String order) {
        TrainConfig c = TrainConfig.builder().set(ConfigKey.DATASET, "trec").set(ConfigKey.DATA_DIR, TestData.dataDir())
                .set(ConfigKey.MODEL, "tiny-random").set(ConfigKey.METHOD, "dualcl").set(ConfigKey.FEW_SHOT, "4")
                .set(ConfigKey.MAX_LENGTH, "64").set(ConfigKey.LABEL_ORDER, order).build();
        return new TrainingDataBuilder(SPARK.session(), c.data(), c.model(), tmp.resolve(order).toUri().toString())
                .read()
                .tokenize(new TokenizerSpec("tiny-random"));
    }

    /** Rows whose label k's tokens come before label k+1's for every k: the dataset's order. */
    private static long inDatasetOrder(List<TrainingRow> rows) {
        return rows.stream().filter(r -> {
            for (int k = 1; k < r.labelPositions().length; k++) {
                if (r.labelPositions()[k][0] < r.labelPositions()[k - 1][0]) {
                    return false;
                }
            }
            return true;
        }).count();
    }

    private static Map<String, int[][]> positionsById(List<TrainingRow> rows) {
        return rows.stream().collect(Collectors.toMap(TrainingRow::id, TrainingRow::labelPositions));
    }

    @Test
    void fixedOrderKeepsTheDatasetsOrderInEveryEpochAndShuffledDoesNot() {
        TrainingData fixed = tokenized("fixed");
        List<TrainingRow> epoch0 = fixed.trainRows(0).collect();
        assertEquals(24, epoch0.size());
        assertEquals(24, inDatasetOrder(epoch0));
        assertEquals(24, inDatasetOrder(fixed.trainRows(1).collect()));

        TrainingData shuffled = tokenized("shuffled");
        long ordered0 = inDatasetOrder(shuffled.trainRows(0).collect());
        assertTrue(ordered0 < 3, ordered0 + " of 24 rows in the dataset's order (1/720 expected by chance)");
        Map<String, int[][]> a = positionsById(shuffled.trainRows(0).collect());
        Map<String, int[][]> b = positionsById(shuffled.trainRows(1).collect());
        assertEquals(a.keySet(), b.keySet());
        long same = a.keySet().stream().filter(id -> Arrays.deepEquals(a.get(id), b.get(id))).count();
        assertTrue(same < 6, same + " of 24 rows kept their order from epoch 0 to epoch 1");
    }
}
