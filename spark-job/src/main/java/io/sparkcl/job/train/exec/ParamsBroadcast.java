package io.sparkcl.job.train.exec;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.UUID;

/**
 * The current flat parameters as a Spark broadcast ({@link FlatParams}: bytes, serialised in bulk), with a fresh
 * random id per version: executors keep their cached encoder while the id is unchanged ({@link ExecutorModels}).
 */
public final class ParamsBroadcast implements AutoCloseable {
    private final JavaSparkContext jsc;
    private Broadcast<FlatParams> current;
    private long version;

    public ParamsBroadcast(JavaSparkContext jsc, FlatParams params) {
        this.jsc = jsc;
        this.current = jsc.broadcast(params);
        this.version = UUID.randomUUID().getMostSignificantBits();
    }

    public Broadcast<FlatParams> value() {
        return current;
    }

    public long version() {
        return version;
    }

    /** Broadcasts new parameters and drops the previous ones from the executors. */
    public void replace(FlatParams params) {
        Broadcast<FlatParams> next = jsc.broadcast(params);
        current.unpersist(false);
        current = next;
        version = UUID.randomUUID().getMostSignificantBits();
    }

    @Override
    public void close() {
        current.unpersist(false);
    }
}
