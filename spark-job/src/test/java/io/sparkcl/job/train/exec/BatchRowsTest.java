package io.sparkcl.job.train.exec;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.LocalSpark;
import io.sparkcl.job.train.SyntheticData;
import io.sparkcl.job.train.data.TrainingRow;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A step's rows on the driver (fetched, or brought along by the previous step) and the equal slices of the batch. */
class BatchRowsTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);

    private final List<TrainingRow> data = SyntheticData.rows(20, 3, false, 5, 0);

    private BatchRows batchRows() {
        // rows 0-9 in partition 0, 10-19 in partition 1: a batch of {1, 2, 3, 12} falls 3/1 where the rows live
        JavaRDD<TrainingRow> rdd = SPARK.jsc().parallelize(data, 2);
        return new BatchRows(rdd);
    }

    @Test
    void rowsComeInBatchOrderAndOnlyMissingOnesAreFetched() {
        BatchRows rows = batchRows();
        TrainingRow[] first = rows.of(0, new long[]{12, 1, 3, 2});
        assertEquals(List.of(12L, 1L, 3L, 2L), indices(first));
        assertEquals(1, rows.fetches());

        rows.prefetched(List.of(data.get(7), data.get(15)));
        TrainingRow[] second = rows.of(1, new long[]{15, 7});
        assertSame(data.get(15), second[0], "a prefetched row is used as it came");
        assertEquals(1, rows.fetches(), "no job when every row came along");

        rows.prefetched(List.of(data.get(4)));
        assertEquals(List.of(4L, 19L), indices(rows.of(2, new long[]{4, 19})));
        assertEquals(2, rows.fetches(), "a row that did not come along is fetched");
    }

    @Test
    void aRepeatedOrUnknownRowIsAnError() {
        BatchRows rows = batchRows();
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> rows.of(4, new long[]{3, 5, 3}));
        assertTrue(twice.getMessage().contains("row 3 appears twice in the batch of step 4"), twice.getMessage());
        IllegalStateException unknown = assertThrows(IllegalStateException.class, () -> rows.of(5, new long[]{3, 99}));
        assertTrue(unknown.getMessage().contains("row 99"), unknown.getMessage());
    }

    @Test
    void shardsAreEqualContiguousSlicesOfTheBatch() {
        TrainConfig c = TrainConfig.builder().dataset("synthetic").model("tiny-random").method("ce").steps(1L)
                .set(ConfigKey.MAX_BAD_ROWS, "0").output("file:///tmp/unused").build();
        TrainingRow[] batch = data.subList(0, 10).toArray(new TrainingRow[0]);
        GradientCachingStep.StepContext ctx = GradientCachingStep.StepContext.of(0, 1, new long[10], null, 4, 2, 0,
                c.objective(), 8, 3).withRows(batch, 3);
        List<Integer> positions = new ArrayList<>();
        int[] sizes = new int[3];
        for (int shard = 0; shard < 3; shard++) {
            for (GradientCachingStep.Positioned p : ctx.slice(shard)) {
                positions.add(p.position());
                assertSame(batch[p.position()], p.row());
                sizes[shard]++;
            }
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), positions, "every position once, in order");
        assertEquals(List.of(3, 3, 4), List.of(sizes[0], sizes[1], sizes[2]));
    }

    private static List<Long> indices(TrainingRow[] rows) {
        List<Long> out = new ArrayList<>();
        for (TrainingRow r : rows) {
            out.add(r.index());
        }
        return out;
    }
}
