package io.sparkcl.job.train.exec;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * The current flat parameters as a Spark broadcast with a fresh random id per version: executors keep their cached
 * encoder while the id is unchanged ({@link ExecutorModels}). The values stay in the driver's block manager under
 * a small anchor broadcast ({@link FlatParams#stored}); the broadcast itself carries only where they are.
 */
public final class ParamsBroadcast implements AutoCloseable {
    private final JavaSparkContext jsc;
    private final Snapshot snapshot;
    /**
     * The values' bytes, two buffers used in turn: a version's buffer is written again two versions later, when no
     * job reads it any more (refilling a fresh buffer every step cost page faults or a humongous allocation).
     */
    private final ByteBuffer[] buffers = new ByteBuffer[2];
    private int published;
    private Broadcast<String> anchor;
    private Broadcast<FlatParams> current;
    private long version;

    /** The current parameters written into a buffer and kept under an anchor ({@link FlatParams#stored}). */
    public interface Snapshot {
        FlatParams take(Broadcast<?> anchor, ByteBuffer buffer);
    }

    /** @param numParams the number of parameters ({@code snapshot} writes 4 bytes each) */
    public ParamsBroadcast(JavaSparkContext jsc, long numParams, Snapshot snapshot) {
        this.jsc = jsc;
        this.snapshot = snapshot;
        if (numParams <= Integer.MAX_VALUE / 4) {
            buffers[0] = ByteBuffer.allocate((int) numParams * 4);
            buffers[1] = ByteBuffer.allocate((int) numParams * 4);
        }
        publish();
    }

    private void publish() {
        anchor = jsc.broadcast("sparkcl parameters");
        ByteBuffer buffer = buffers[published++ % 2];
        current = jsc.broadcast(snapshot.take(anchor, buffer == null ? ByteBuffer.allocate(0) : buffer));
        version = UUID.randomUUID().getMostSignificantBits();
    }

    public Broadcast<FlatParams> value() {
        return current;
    }

    public long version() {
        return version;
    }

    /** Broadcasts the new parameters and removes the previous ones everywhere (no job uses them any more). */
    public void replace() {
        close();
        publish();
    }

    @Override
    public void close() {
        current.destroy();
        BroadcastBlocks.release(anchor);
    }
}
