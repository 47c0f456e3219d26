package io.sparkcl.job.train.exec;

import io.sparkcl.job.gpu.GpuBinding;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.ForwardState;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The encoders of one executor JVM, so a task neither rebuilds a model nor copies the parameters more than once
 * per executor and version: per {@link ModelSpec}, ONE copy of the parameters shared by every task thread
 * (overwritten when a task brings a new version, under a write lock, while tasks hold a read lock), and a pool of
 * encoder objects over it (an encoder is single-threaded: a task leases one). A task may park an encoder with the
 * activations of a forward pass ({@link Lease#park}, one encoder per kept micro-batch) for a later task of the same
 * step and partition to back-propagate ({@link Lease#takeParked}); parked activations are dropped when the version
 * changes.
 * Nothing here changes what a task computes: a retried task on another executor just does not find them.
 */
public final class ExecutorModels {
    private static final Map<ModelSpec, Shared> BY_SPEC = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /** Where parked activations belong: a step's partition and the batch positions of the forward's rows. */
    public record ParkKey(long step, int partition, int[] positions) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ParkKey k && k.step == step && k.partition == partition
                    && Arrays.equals(k.positions, positions);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(step) * 31 + partition;
        }
    }

    private record Parked(BertEncoderModel model, ForwardState state) {
    }

    private static final class Shared {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        final BertParameters params;
        final ModelSpec spec;
        long version;
        boolean loaded;
        final ArrayDeque<BertEncoderModel> idle = new ArrayDeque<>();
        final Map<ParkKey, Parked> parked = new HashMap<>();

        Shared(ModelSpec spec) {
            this.spec = spec;
            this.params = BertParameters.zeros(spec.config(), spec.numLabels(), DataType.FLOAT);
        }

        synchronized BertEncoderModel take() {
            BertEncoderModel m = idle.poll();
            return m != null ? m : new BertEncoderModel(params, spec.pooling());
        }

        synchronized void give(BertEncoderModel m) {
            idle.push(m);
        }

        /** Called under the write lock: parked activations belong to the previous parameters. */
        synchronized void dropParked() {
            for (Parked p : parked.values()) {
                idle.push(p.model());
            }
            parked.clear();
        }
    }

    /**
     * An encoder at the given parameters for the calling task thread, until {@link #close}. Copies the broadcast
     * parameters into the executor's shared copy when their version changed.
     */
    public static Lease lease(ModelSpec spec, long version, Broadcast<FlatParams> params) {
        GpuBinding.bindTaskThread();
        TaskThreads.limitToTaskCpus();
        Shared s = shared(spec);
        long loadNanos = 0;
        s.lock.readLock().lock();
        if (!s.loaded || s.version != version) {
            s.lock.readLock().unlock();
            s.lock.writeLock().lock();
            try {
                if (!s.loaded || s.version != version) {
                    long t0 = System.nanoTime();
                    s.dropParked();
                    params.value().copyInto(s.params.flat());
                    s.version = version;
                    s.loaded = true;
                    loadNanos = System.nanoTime() - t0;
                }
                s.lock.readLock().lock(); // downgrade: no other version can come in before this task ends
            } finally {
                s.lock.writeLock().unlock();
            }
        }
        return new Lease(s, loadNanos);
    }

    /** The spec's entry; a new spec drops the idle entries of others (a job trains or scores one model at a time). */
    private static Shared shared(ModelSpec spec) {
        Shared s = BY_SPEC.get(spec);
        if (s != null) {
            return s;
        }
        synchronized (BY_SPEC) {
            s = BY_SPEC.get(spec);
            if (s == null) {
                BY_SPEC.values().removeIf(other -> {
                    boolean idle = other.lock.writeLock().tryLock();
                    if (idle) {
                        other.lock.writeLock().unlock();
                    }
                    return idle;
                });
                s = new Shared(spec);
                BY_SPEC.put(spec, s);
            }
            return s;
        }
    }

    /** A task's use of an executor encoder; close it on the same thread. */
    public static final class Lease implements AutoCloseable {
        private final Shared shared;
        private final long loadNanos;
        /** The encoder this task works on; null after {@link #park} until the next {@link #model()}. */
        private BertEncoderModel model;

        private Lease(Shared shared, long loadNanos) {
            this.shared = shared;
            this.loadNanos = loadNanos;
        }

        /** The task's encoder (another one from the pool after a {@link #park}). */
        public BertEncoderModel model() {
            if (model == null) {
                model = shared.take();
            }
            return model;
        }

        /** Time this task spent copying new parameters into the executor's copy (0 when they were current). */
        public long loadNanos() {
            return loadNanos;
        }

        /**
         * Hands the current encoder, with {@code state} (its latest forward pass), to the task that will ask for
         * {@code key} ({@link #takeParked}); {@link #model()} then continues on another encoder.
         */
        public void park(ParkKey key, ForwardState state) {
            if (model == null) {
                throw new IllegalStateException("no forward pass to park: the encoder was parked already");
            }
            Parked previous;
            synchronized (shared) {
                previous = shared.parked.put(key, new Parked(model, state));
            }
            if (previous != null) { // a duplicate attempt of the same task
                shared.give(previous.model());
            }
            model = null;
        }

        /**
         * The parked forward pass of {@code key}, or null: on success this lease continues on the parked encoder
         * (whose state the caller must back-propagate before the next forward).
         */
        public ForwardState takeParked(ParkKey key) {
            Parked p;
            synchronized (shared) {
                p = shared.parked.remove(key);
            }
            if (p == null) {
                return null;
            }
            if (model != null) {
                shared.give(model);
            }
            model = p.model();
            return p.state();
        }

        @Override
        public void close() {
            try {
                if (model != null) {
                    shared.give(model);
                }
            } finally {
                shared.lock.readLock().unlock();
            }
        }
    }
}
