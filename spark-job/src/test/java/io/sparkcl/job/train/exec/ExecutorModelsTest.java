package io.sparkcl.job.train.exec;

import io.sparkcl.job.train.SyntheticData;
import io.sparkcl.job.train.LocalSpark;
import io.sparkcl.job.train.data.RowBatches;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.ForwardState;
import io.sparkcl.model.encoder.Pooling;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.buffer.DataType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor's encoders: one parameter copy per executor, loaded once per version; a parked forward pass is
 * handed to the task that asks for its key (on the same encoder) and is gone when the parameters change.
 */
class ExecutorModelsTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(1);
    private final BertConfig cfg = SyntheticData.tinyConfig(0.1);
    private final ModelSpec spec = new ModelSpec(cfg, 3, ClassifierHead.LINEAR, Pooling.CLS);

    private Broadcast<FlatParams> params(long seed) {
        return SPARK.jsc().broadcast(FlatParams.of(BertParameters.randomInit(cfg, 3, seed, DataType.FLOAT).flat()));
    }

    @Test
    void parametersAreCopiedOncePerVersionAndShared() {
        Broadcast<FlatParams> v1 = params(1);
        Broadcast<FlatParams> v2 = params(2);
        try (ExecutorModels.Lease a = ExecutorModels.lease(spec, 101, v1);
             ExecutorModels.Lease b = ExecutorModels.lease(spec, 101, v1)) {
            assertTrue(a.loadNanos() > 0 || b.loadNanos() > 0, "the first lease of a version loads it");
            assertEquals(0, Math.min(a.loadNanos(), b.loadNanos()), "the second lease of a version does not");
            assertSame(a.model().parameters(), b.model().parameters(), "one parameter copy per executor");
            assertTrue(a.model() != b.model(), "concurrent tasks get their own encoder");
            assertArrayEquals(v1.value().toFloats(), a.model().parameters().flat().data().asFloat());
        }
        try (ExecutorModels.Lease c = ExecutorModels.lease(spec, 102, v2)) {
            assertTrue(c.loadNanos() > 0);
            assertArrayEquals(v2.value().toFloats(), c.model().parameters().flat().data().asFloat());
        }
    }

    @Test
    void aParkedForwardPassGoesToItsKeyUntilTheVersionChanges() {
        Broadcast<FlatParams> v1 = params(3);
        ExecutorModels.ParkKey key = new ExecutorModels.ParkKey(7, 0, new int[]{2, 5});
        ForwardState parked;
        try (ExecutorModels.Lease pass1 = ExecutorModels.lease(spec, 201, v1)) {
            parked = pass1.model().forward(RowBatches.encode(SyntheticData.rows(2, 3, false, 1, 0),
                    SyntheticData.PAD, ClassifierHead.LINEAR, 1, 7), true);
            pass1.park(key, parked);
        }
        try (ExecutorModels.Lease pass2 = ExecutorModels.lease(spec, 201, v1)) {
            assertNull(pass2.takeParked(new ExecutorModels.ParkKey(7, 0, new int[]{2, 6})), "other rows");
            assertNull(pass2.takeParked(new ExecutorModels.ParkKey(7, 1, new int[]{2, 5})), "other partition");
            ForwardState got = pass2.takeParked(new ExecutorModels.ParkKey(7, 0, new int[]{2, 5}));
            assertSame(parked, got);
            assertNotNull(got.pooled());
            pass2.park(key, got); // parked again, then the parameters change
        }
        try (ExecutorModels.Lease next = ExecutorModels.lease(spec, 202, params(4))) {
            assertNull(next.takeParked(key), "parked activations belong to the previous parameters");
        }
    }
    @Test
    void aTaskParksSeveralForwardPassesEachOnItsOwnEncoder() {
        Broadcast<FlatParams> v1 = params(5);
        ExecutorModels.ParkKey first = new ExecutorModels.ParkKey(9, 0, new int[]{0, 1});
        ExecutorModels.ParkKey second = new ExecutorModels.ParkKey(9, 0, new int[]{2, 3});
        ForwardState a;
        ForwardState b;
        BertEncoderModel encoderA;
        BertEncoderModel encoderB;
        try (ExecutorModels.Lease pass1 = ExecutorModels.lease(spec, 301, v1)) {
            encoderA = pass1.model();
            a = encoderA.forward(RowBatches.encode(SyntheticData.rows(2, 3, false, 1, 0),
                    SyntheticData.PAD, ClassifierHead.LINEAR, 1, 9), true);
            pass1.park(first, a);
            encoderB = pass1.model();
            assertNotSame(encoderA, encoderB, "after parking, the task continues on another encoder");
            b = encoderB.forward(RowBatches.encode(SyntheticData.rows(2, 3, false, 2, 2),
                    SyntheticData.PAD, ClassifierHead.LINEAR, 1, 9), true);
            pass1.park(second, b);
            assertThrows(IllegalStateException.class, () -> pass1.park(first, a), "nothing left to park");
        }
        try (ExecutorModels.Lease pass2 = ExecutorModels.lease(spec, 301, v1)) {
            assertSame(b, pass2.takeParked(second));
            assertSame(encoderB, pass2.model());
            assertSame(a, pass2.takeParked(first));
            assertSame(encoderA, pass2.model());
        }
    }
}
