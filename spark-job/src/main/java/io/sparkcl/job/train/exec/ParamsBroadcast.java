package io.sparkcl.job.train.exec;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The current flat parameters as a Spark broadcast, with a fresh random id per version: executors keep their cached
 * encoder while the id is unchanged ({@link ExecutorModels}). The values stay in the driver's block manager under
 * a small anchor broadcast ({@link FlatParams#stored}); the broadcast itself carries only where they are.
 *
 * <p>Two slots are used in turn, each a reused buffer with its block and broadcasts: a version's slot is written again
 * two versions later, when no job reads it any more, in place (the block manager holds the buffer itself), so a step
 * creates and destroys no broadcast. (Refilling a fresh buffer every step cost page faults or a humongous allocation;
 * creating and destroying the two broadcasts and the block cost 6–30 ms of driver time per step.) A slot starts over
 * with new broadcasts when its block is gone (evicted) or the values did not fit a block.
 */
public final class ParamsBroadcast implements AutoCloseable {
    private final JavaSparkContext jsc;
    private final Supplier<INDArray> values;
    private final Slot[] slots;
    private int published;
    private Slot current;
    private long version;

    /** One buffer and the broadcasts that point at it. */
    private static final class Slot {
        final ByteBuffer buffer;
        Broadcast<String> anchor;
        Broadcast<FlatParams> handle;

        Slot(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        void release() {
            if (handle != null) {
                handle.destroy();
                BroadcastBlocks.release(anchor);
                handle = null;
                anchor = null;
            }
        }
    }

    /**
     * @param numParams the number of parameters (4 bytes each)
     * @param values    the current parameters: a flat FLOAT array, read at each {@link #replace}
     */
    public ParamsBroadcast(JavaSparkContext jsc, long numParams, Supplier<INDArray> values) {
        this.jsc = jsc;
        this.values = values;
        int bytes = numParams <= Integer.MAX_VALUE / 4 ? (int) numParams * 4 : 0;
        this.slots = new Slot[]{new Slot(ByteBuffer.allocate(bytes)), new Slot(ByteBuffer.allocate(bytes))};
        publish();
    }

    private void publish() {
        Slot slot = slots[published++ % 2];
        if (slot.handle == null || !slot.handle.value().rewrite(values.get(), slot.buffer)) {
            slot.release();
            slot.anchor = jsc.broadcast("sparkcl parameters");
            slot.handle = jsc.broadcast(FlatParams.stored(values.get(), slot.anchor, slot.buffer));
        }
        current = slot;
        version = UUID.randomUUID().getMostSignificantBits();
    }

    public Broadcast<FlatParams> value() {
        return current.handle;
    }

    public long version() {
        return version;
    }

    /** Publishes the current parameters as a new version (the previous version's values stay readable). */
    public void replace() {
        publish();
    }

    /** Removes both slots' broadcasts and blocks everywhere. */
    @Override
    public void close() {
        for (Slot slot : slots) {
            slot.release();
        }
    }
}
