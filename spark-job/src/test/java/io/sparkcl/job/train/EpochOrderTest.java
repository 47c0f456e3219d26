package io.sparkcl.job.train;

import io.sparkcl.job.train.data.DropoutSeeds;
import io.sparkcl.job.train.data.EpochOrder;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EpochOrderTest {

    @Test
    void stepsOfAnEpochCoverDistinctRowsAndDropTheLastPartialBatch() {
        EpochOrder o = new EpochOrder(7, 10, 3);
        assertEquals(3, o.stepsPerEpoch());
        Set<Long> seen = new HashSet<>();
        for (int s = 0; s < 3; s++) {
            for (long i : o.batch(s)) {
                assertEquals(true, seen.add(i), "row " + i + " twice in epoch 0");
            }
        }
        assertEquals(9, seen.size());
        assertEquals(1, o.epochOf(3));
        assertNotEquals(java.util.Arrays.toString(o.permutation(0)), java.util.Arrays.toString(o.permutation(1)));
    }

    @Test
    void orderIsAPureFunctionOfSeedAndStep() {
        assertArrayEquals(new EpochOrder(5, 50, 8).batch(9), new EpochOrder(5, 50, 8).batch(9));
        assertNotEquals(java.util.Arrays.toString(new EpochOrder(5, 50, 8).batch(0)),
                java.util.Arrays.toString(new EpochOrder(6, 50, 8).batch(0)));
        assertEquals(DropoutSeeds.forRow(1, 2, 3), DropoutSeeds.forRow(1, 2, 3));
        assertNotEquals(DropoutSeeds.forRow(1, 2, 3), DropoutSeeds.forRow(1, 3, 3));
        assertNotEquals(DropoutSeeds.forRow(1, 2, 3), DropoutSeeds.forRow(1, 2, 4));
    }

    @Test
    void batchLargerThanTrainingSetIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EpochOrder(1, 5, 8));
        assertEquals(true, e.getMessage().contains("--global-batch"));
    }
}
