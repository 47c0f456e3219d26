package io.sparkcl.job.train.exec;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.BlockId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pass-2 gradients handed over through the block manager: stored by tasks, summed on the driver exactly as the
 * dense gradients, and all removed with the step's context, a failed attempt's block included.
 */
class BroadcastBlocksTest {
    private static final int LENGTH = 1000;
    private static final int TABLE_OFFSET = 100;
    private static final int TABLE_ROWS = 50;
    private static final int WIDTH = 8;

    private static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        // 2 threads, up to 4 attempts per task: a failed task is retried
        jsc = new JavaSparkContext(new SparkConf().setMaster("local[2,4]").setAppName("gradient-blocks-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        jsc.stop();
    }

    /** Partition p's dense gradient: zero on every table row but rows p, p+3 and 7; the rest dense. */
    static INDArray shardGradient(int p) {
        float[] v = new float[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            boolean inTable = i >= TABLE_OFFSET && i < TABLE_OFFSET + TABLE_ROWS * WIDTH;
            int row = (i - TABLE_OFFSET) / WIDTH;
            boolean touched = row == p || row == p + 3 || row == 7;
            v[i] = inTable && !touched ? 0f : (float) Math.sin(1.7 * i + p) / (p + 1);
        }
        return Nd4j.createFromArray(v);
    }

    static BitSet touched(int p) {
        BitSet rows = new BitSet();
        rows.set(p);
        rows.set(p + 3);
        rows.set(7);
        return rows;
    }

    @Test
    void storedGradientsSumLikeTheDenseOnesAndAreAllRemovedWithTheStep() throws InterruptedException {
        Broadcast<String> step = jsc.broadcast("step context");
        List<BroadcastBlocks.Stored> stored = jsc.parallelize(List.of(0, 1), 2).mapPartitions(it -> {
            int p = it.next();
            BroadcastBlocks.Stored s = BroadcastBlocks.storeGradient(step,
                    RowSparseGradient.of(shardGradient(p), TABLE_OFFSET, TABLE_ROWS, WIDTH, touched(p)));
            if (p == 0 && TaskContext.get().attemptNumber() == 0) {
                throw new IllegalStateException("injected: the first attempt fails after storing its gradient");
            }
            return Collections.singletonList(s).iterator();
        }).collect();

        INDArray sum = Nd4j.rand(DataType.FLOAT, LENGTH); // overwritten by the first shard
        for (int p = 0; p < stored.size(); p++) {
            assertNotNull(stored.get(p), "the block manager must keep a small gradient");
            BroadcastBlocks.addGradientInto(stored.get(p), sum, p == 0);
        }
        assertArrayEquals(shardGradient(0).add(shardGradient(1)).data().asFloat(), sum.data().asFloat());
        assertEquals(3, gradientBlocks().size(), "two results and the failed attempt's block until the step ends");

        BroadcastBlocks.release(step);
        long deadline = System.nanoTime() + 20_000_000_000L; // removal is asynchronous
        while (!gradientBlocks().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), gradientBlocks(), "no gradient block may outlive its step");
        assertThrows(BroadcastBlocks.Lost.class, () -> BroadcastBlocks.addGradientInto(stored.get(0), sum, false),
                "a removed block is reported as lost (the pass then runs again)");
    }

    @Test
    void outsideATaskNothingIsStored() {
        Broadcast<String> step = jsc.broadcast("step context");
        try {
            assertNull(BroadcastBlocks.storeGradient(step,
                    RowSparseGradient.of(shardGradient(0), TABLE_OFFSET, TABLE_ROWS, WIDTH, touched(0))));
        } finally {
            BroadcastBlocks.release(step);
        }
    }

    @Test
    void parametersStayInTheDriversBlockManagerAndTasksReadThemBitForBit() throws InterruptedException {
        float[] values = new float[10_001];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.cos(0.37 * i) * (i % 7 == 0 ? 1e-30f : 3f);
        }
        INDArray live = Nd4j.createFromArray(values);
        ParamsBroadcast params = new ParamsBroadcast(jsc, values.length, () -> live);
        Broadcast<FlatParams> first = params.value();
        assertEquals(1, blocks("sparkclparams").size(), "the values are a block, not the broadcast's pieces");
        for (float[] s : readInTasks(first, values.length)) {
            assertArrayEquals(values, s);
        }

        live.muli(2);
        params.replace();
        assertArrayEquals(live.data().asFloat(), params.value().value().toFloats());
        Broadcast<FlatParams> second = params.value();
        live.addi(1);
        params.replace(); // into the first version's buffer again, in place: no new broadcast
        assertSame(first, params.value(), "a slot's broadcast is reused");
        for (float[] s : readInTasks(params.value(), values.length)) {
            assertArrayEquals(live.data().asFloat(), s);
        }
        assertEquals(2, blocks("sparkclparams").size(), "one block per slot");

        // a slot whose block is gone (evicted) starts over with new broadcasts
        for (BlockId id : blocks("sparkclparams")) {
            SparkEnv.get().blockManager().removeBlock(id, true);
        }
        live.subi(3);
        params.replace();
        assertTrue(params.value() != second, "a new broadcast for the slot whose block was gone");
        for (float[] s : readInTasks(params.value(), values.length)) {
            assertArrayEquals(live.data().asFloat(), s);
        }
        params.close();
        long deadline = System.nanoTime() + 20_000_000_000L; // removal is asynchronous
        while (!blocks("sparkclparams").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), blocks("sparkclparams"), "replaced and closed parameters leave no block behind");
    }

    /** What two tasks copy out of the parameters into their own arrays. */
    private static List<float[]> readInTasks(Broadcast<FlatParams> params, int length) {
        return jsc.parallelize(List.of(0, 1), 2).map(p -> {
            INDArray target = Nd4j.rand(DataType.FLOAT, length);
            params.value().copyInto(target);
            return target.data().asFloat();
        }).collect();
    }

    /** Blocks anywhere whose field starts with {@code field}. */
    private static List<BlockId> blocks(String field) {
        return scala.collection.JavaConverters.seqAsJavaList(
                SparkEnv.get().blockManager().master().getMatchingBlockIds(new HasField(field), true));
    }

    private static final class HasField extends AbstractFunction1<BlockId, Object> implements Serializable {
        private final String field;

        HasField(String field) {
            this.field = field;
        }

        @Override
        public Object apply(BlockId id) {
            return id instanceof org.apache.spark.storage.BroadcastBlockId b && b.field().startsWith(field);
        }
    }

    /** Gradient blocks anywhere (the block managers are asked, not only the master's view). */
    private static List<BlockId> gradientBlocks() {
        return scala.collection.JavaConverters.seqAsJavaList(
                SparkEnv.get().blockManager().master().getMatchingBlockIds(new IsGradient(), true));
    }

    private static final class IsGradient extends AbstractFunction1<BlockId, Object> implements Serializable {
        @Override
        public Object apply(BlockId id) {
            return BroadcastBlocks.isGradient(id);
        }
    }
}
