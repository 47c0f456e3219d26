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
import java.util.function.Consumer;

/**
 * The step's bulk data (pass-2 gradients, new parameters) handed over as blocks of Spark's block managers instead
 * of task results and torrent broadcasts. Spark copies a task result about five times on its way (value and
 * result into chunked buffers, one status message, chunks again and the value's deserialisation on the driver),
 * and a broadcast serialises, checksums and registers its value in 4 MB pieces, each a humongous array for the G1
 * collector. A block is the bytes as they are, in one buffer: read in place when it is in the reader's JVM
 * (a local master: one block manager), fetched once from the JVM that holds it otherwise.
 *
 * <p>A block is named after a small broadcast (its "anchor": the step's pass-2 context, the parameters' handle)
 * with a field of its own, so destroying that broadcast ({@link #release}) removes every block under it from every
 * executor and the driver: the gradients of failed, retried or speculative task attempts included.
 */
public final class BroadcastBlocks {
    private static final String GRADIENT = "sparkclgrad_";

    private BroadcastBlocks() {
    }

    /** A block: the id of its anchor broadcast, its own field, its size. */
    public record Stored(long anchorId, String field, int bytes) implements Serializable {
        BlockId blockId() {
            return new BroadcastBlockId(anchorId, field);
        }
    }

    /**
     * Keeps {@code bytes} (a heap buffer, position 0 to its limit, not copied: nobody may change it while the block
     * can be read) as a block under {@code anchor}. Returns null when there is no Spark here or the block manager cannot keep it in memory
     * (then the caller sends the bytes another way).
     */
    static Stored put(Broadcast<?> anchor, String field, ByteBuffer bytes) {
        SparkEnv env = SparkEnv.get();
        if (env == null) {
            return null;
        }
        Stored stored = new Stored(anchor.id(), field, bytes.remaining());
        // serialised in memory only: the buffer is kept as it is (no copy); tellMaster so other JVMs find it
        boolean kept = env.blockManager().putBytes(stored.blockId(), new ChunkedByteBuffer(bytes),
                StorageLevel.MEMORY_ONLY_SER(), true, ClassTag$.MODULE$.Any());
        return kept ? stored : null;
    }

    /** Whether the block is in this JVM's block manager (not evicted, not removed). */
    static boolean isInThisJvm(Stored stored) {
        SparkEnv env = SparkEnv.get();
        return env != null && env.blockManager().getStatus(stored.blockId()).isDefined();
    }

    /**
     * Runs {@code reader} on a block's bytes: in place under the block's read lock (so it is not evicted meanwhile)
     * when it is in this JVM, else after one fetch.
     *
     * @throws Lost when the block is nowhere (the JVM that held it was lost)
     */
    static void read(Stored stored, Consumer<ByteBuffer> reader) {
        BlockManager bm = SparkEnv.get().blockManager();
        BlockId id = stored.blockId();
        Option<BlockData> local = bm.getLocalBytes(id);
        if (local.isDefined()) {
            try {
                reader.accept(local.get().toByteBuffer());
            } finally {
                bm.releaseLock(id, Option.empty());
            }
            return;
        }
        Option<ChunkedByteBuffer> remote = bm.getRemoteBytes(id);
        if (remote.isEmpty()) {
            throw new Lost("the block " + id.name() + " (" + stored.bytes() + " bytes) is gone: the JVM that held it"
                    + " was lost");
        }
        try {
            reader.accept(remote.get().toByteBuffer());
        } finally {
            remote.get().dispose();
        }
    }

    /**
     * Executor side: keeps a task's gradient as a block under the step's pass-2 context {@code step}. Null outside a
     * Spark task or when the block manager cannot keep it (the task then sends it in its result).
     */
    public static Stored storeGradient(Broadcast<?> step, RowSparseGradient grad) {
        TaskContext task = TaskContext.get();
        return task == null ? null : put(step, GRADIENT + task.taskAttemptId(), grad.buffer());
    }

    /** Driver side: adds (or writes, {@code overwrite}) a gradient a task stored into {@code flat}. */
    public static void addGradientInto(Stored stored, INDArray flat, boolean overwrite) {
        read(stored, bytes -> RowSparseGradient.fromBytes(bytes).addInto(flat, overwrite));
    }

    /** A block that is no longer anywhere (its JVM was lost): a pass that needs it must run again. */
    public static final class Lost extends IllegalStateException {
        Lost(String message) {
            super(message);
        }
    }

    /** After the anchor's use (also when it failed): removes it and all blocks under it, everywhere. */
    public static void release(Broadcast<?> anchor) {
        anchor.destroy();
    }

    /** Whether a block id is a stored gradient (tests look for leftovers). */
    public static boolean isGradient(BlockId id) {
        return id instanceof BroadcastBlockId b && b.field().startsWith(GRADIENT);
    }
}
