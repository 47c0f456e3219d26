package io.sparkcl.job.train.exec;

import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.model.encoder.BertEncoderModel;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The one closure every executor-side pass uses (the step's two passes, evaluation, prediction): pick the
 * partition's rows the work needs, lease the executor's cached encoder at the broadcast parameters ({@link ExecutorModels}), compute
 * one result. A partition with no rows to work on returns nothing and builds no model. Pure function of
 * (spec, parameters, work, rows): Spark may retry or duplicate it.
 *
 * @param version id of {@code params}: the executor reuses its model while the id is unchanged
 */
public record PartitionTask<T, R>(ModelSpec spec, Broadcast<FlatParams> params, long version, Work<T, R> work)
        implements FlatMapFunction<Iterator<TrainingRow>, R> {

    /** What a task computes; {@code T} is how it holds its selected rows. */
    public interface Work<T, R> extends Serializable {
        List<T> select(Iterator<TrainingRow> rows);

        R compute(BertEncoderModel model, List<T> selected);

        /** The lease's encoder by default; a pass that parks activations or reports load time uses the lease. */
        default R compute(ExecutorModels.Lease lease, List<T> selected) {
            return compute(lease.model(), selected);
        }
    }

    @Override
    public Iterator<R> call(Iterator<TrainingRow> rows) {
        List<T> selected = work.select(rows);
        if (selected.isEmpty()) {
            return Collections.emptyIterator();
        }
        try (ExecutorModels.Lease lease = ExecutorModels.lease(spec, version, params)) {
            return List.of(work.compute(lease, selected)).iterator();
        }
    }
}
