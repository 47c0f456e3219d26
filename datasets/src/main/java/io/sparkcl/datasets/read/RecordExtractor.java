package io.sparkcl.datasets.read;

import io.sparkcl.datasets.registry.SourceFormat;
import io.sparkcl.datasets.registry.SourceSpec;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.input.PortableDataStream;
import scala.Tuple2;

import java.util.Iterator;

/** Executor side: one whole file in, its rows out, streamed (the file is never held in memory). */
final class RecordExtractor implements FlatMapFunction<Tuple2<String, PortableDataStream>, RawRecord> {
    private final SourceSpec source;

    RecordExtractor(SourceSpec source) {
        this.source = source;
    }

    @Override
    public Iterator<RawRecord> call(Tuple2<String, PortableDataStream> file) {
        if (source.format() == SourceFormat.JSON_ARRAY) {
            return new JsonArrayIterator(file._1(), file._2().open());
        }
        return new LineRecordIterator(file._1(), file._2().open(), source);
    }
}
