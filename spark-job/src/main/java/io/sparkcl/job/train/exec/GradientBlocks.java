package io.sparkcl.job.train.exec;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.BlockData;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BroadcastBlockId;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.io.ChunkedByteBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import scala.Option;
import scala.reflect.ClassTag$;

import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * A pass-2 gradient handed to the driver through the executor's block manager instead of the task's result.
 * Spark copies a task result about five times on its way (value and result into chunked buffers, one status
 * message, chunks again and the value's deserialisation on the driver), each a humongous array for the G1
 * collector. A block is the gradient's encoding as it is ({@link RowSparseGradient}: one copy out of the encoder,
 * into a direct buffer), which the driver adds into its dense gradient in place when the master is local (the
 * same block manager) and after one fetch from a remote executor.
 *
 * <p>The block belongs to the step's pass-2 context broadcast: its id is that broadcast's id with a field naming
 * the task attempt, so destroying the broadcast after the step ({@link #release}) removes every gradient block
 * of the step from every executor and the driver, those of failed, retried or speculative attempts included.
 */
public final class GradientBlocks {
    private static final String FIELD = "sparkclgrad_";

    private GradientBlocks() {
    }

    /** Where a task left its gradient: the block id's two parts. */
    public record Stored(long broadcastId, String field, int bytes) implements Serializable {
        BlockId blockId() {
            return new BroadcastBlockId(broadcastId, field);
        }
    }

    /**
     * Executor side: stores {@code grad} as a block of the step's context broadcast {@code step}. Returns null (the
     * caller then sends the gradient in its task result) outside a Spark task or when the block manager cannot
     * keep it in memory.
     */
    public static Stored store(Broadcast<?> step, RowSparseGradient grad) {
        TaskContext task = TaskContext.get();
        SparkEnv env = SparkEnv.get();
        if (task == null || env == null) {
            return null;
        }
        ByteBuffer bytes = grad.buffer();
        Stored stored = new Stored(step.id(), FIELD + task.taskAttemptId(), bytes.remaining());
        // serialised in memory only: the buffer is kept as it is (no copy); tellMaster so a remote driver finds it
        boolean kept = env.blockManager().putBytes(stored.blockId(), new ChunkedByteBuffer(bytes),
                StorageLevel.MEMORY_ONLY_SER(), true, ClassTag$.MODULE$.Any());
        return kept ? stored : null;
    }

    /**
     * Driver side: adds (or writes, {@code overwrite}) the gradient a task stored into {@code flat}: read in place
     * when the block is in this JVM (under its read lock, so it is not evicted meanwhile), else fetched once.
     */
    public static void addInto(Stored stored, INDArray flat, boolean overwrite) {
        BlockManager bm = SparkEnv.get().blockManager();
        BlockId id = stored.blockId();
        Option<BlockData> local = bm.getLocalBytes(id);
        if (local.isDefined()) {
            try {
                RowSparseGradient.fromBytes(local.get().toByteBuffer()).addInto(flat, overwrite);
            } finally {
                bm.releaseLock(id, Option.empty());
            }
            return;
        }
        Option<ChunkedByteBuffer> remote = bm.getRemoteBytes(id);
        if (remote.isEmpty()) {
            throw new Lost("the gradient block " + id.name() + " (" + stored.bytes()
                    + " bytes) is gone: its executor was lost after the task finished");
        }
        try {
            RowSparseGradient.fromBytes(remote.get().toByteBuffer()).addInto(flat, overwrite);
        } finally {
            remote.get().dispose();
        }
    }

    /** A stored gradient that is no longer anywhere (its executor was lost): the pass must run again. */
    public static final class Lost extends IllegalStateException {
        Lost(String message) {
            super(message);
        }
    }

    /** Driver side, after the step (also when it failed): removes the step's context and all its gradient blocks. */
    public static void release(Broadcast<?> step) {
        step.destroy();
    }

    /** Whether a block id is a stored gradient (tests look for leftovers). */
    public static boolean isGradient(BlockId id) {
        return id instanceof BroadcastBlockId b && b.field().startsWith(FIELD);
    }
}
