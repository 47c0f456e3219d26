package io.sparkcl.job.shared;

import io.sparkcl.job.train.data.TrainingRow;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * One Spark partition of training rows as the executor's minibatches (DataSets of {@code batch} rows,
 * shuffled per epoch from the seed; a lone last row joins the previous minibatch, since a contrastive term
 * needs pairs). Before any row is read it prepares the executor for the parameter server: Aeron's settings
 * and a check that the executor has an address on the parameter server's network. DL4J's training function
 * consumes this partition after this function has run, so the preparation comes before DL4J starts Aeron.
 */
record RowMinibatches(RowFeatures features, int batch, long seed, int epoch, ParameterServerNetwork network)
        implements FlatMapFunction<Iterator<TrainingRow>, DataSet> {
    private static final Logger LOG = LoggerFactory.getLogger(RowMinibatches.class);

    @Override
    public Iterator<DataSet> call(Iterator<TrainingRow> partition) {
        Path aeronDir = AeronEnvironment.prepare();
        LOG.info("shared mode: this executor joins the parameter server from {}:{} (Aeron buffers in {})",
                network.localAddress(), network.voidConfiguration().getPortSupplier().getPort(), aeronDir);
        List<TrainingRow> rows = new ArrayList<>();
        partition.forEachRemaining(rows::add);
        rows.sort((a, b) -> Long.compare(a.index(), b.index()));
        long first = rows.isEmpty() ? 0 : rows.get(0).index();
        Collections.shuffle(rows, new Random(seed * 31 + epoch * 1_000_003L + first));
        List<DataSet> out = new ArrayList<>();
        int i = 0;
        while (i < rows.size()) {
            int end = Math.min(rows.size(), i + batch);
            if (rows.size() - end == 1) {
                end = rows.size();
            }
            out.add(features.toDataSet(rows.subList(i, end)));
            i = end;
        }
        return out.iterator();
    }
}
