package io.sparkcl.job.train.exec;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.UUID;
import java.util.function.Function;

/**
 * The current flat parameters as a Spark broadcast with a fresh random id per version: executors keep their cached
 * encoder while the id is unchanged ({@link ExecutorModels}). The values stay in the driver's block manager under
 * a small anchor broadcast ({@link FlatParams#stored}); the broadcast itself carries only where they are.
 */
public final class ParamsBroadcast implements AutoCloseable {
    private final JavaSparkContext jsc;
    /** The parameters' snapshot, kept under the given anchor (what {@code ParameterUpdater.snapshot} does). */
    private final Function<Broadcast<?>, FlatParams> snapshot;
    private Broadcast<String> anchor;
    private Broadcast<FlatParams> current;
    private long version;

    public ParamsBroadcast(JavaSparkContext jsc, Function<Broadcast<?>, FlatParams> snapshot) {
        this.jsc = jsc;
        this.snapshot = snapshot;
        publish();
    }

    private void publish() {
        anchor = jsc.broadcast("sparkcl parameters");
        current = jsc.broadcast(snapshot.apply(anchor));
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
