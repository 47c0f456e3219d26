package io.sparkcl.job.train.ckpt;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test seam: the local file system under the scheme {@code fulldisk:}, with a byte budget shared by all
 * writes; past it, a write fails the way Hadoop's local file system reports a full disk (an FSError
 * wrapping "No space left on device").
 */
public final class FullDiskFileSystem extends RawLocalFileSystem {
    static final AtomicLong BUDGET = new AtomicLong(Long.MAX_VALUE);

    static org.apache.hadoop.conf.Configuration conf() {
        org.apache.hadoop.conf.Configuration c = new org.apache.hadoop.conf.Configuration();
        c.set("fs.fulldisk.impl", FullDiskFileSystem.class.getName());
        c.setBoolean("fs.fulldisk.impl.disable.cache", true);
        return c;
    }

    @Override
    public URI getUri() {
        return URI.create("fulldisk:///");
    }

    @Override
    public String getScheme() {
        return "fulldisk";
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        FSDataOutputStream real = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
        return new FSDataOutputStream(new Budgeted(real), statistics);
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        FSDataOutputStream real = super.create(f, overwrite, bufferSize, replication, blockSize, progress);
        return new FSDataOutputStream(new Budgeted(real), statistics);
    }

    private static final class Budgeted extends FilterOutputStream {
        Budgeted(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            take(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            take(len);
            out.write(b, off, len);
        }

        private static void take(long n) {
            if (BUDGET.addAndGet(-n) < 0) {
                throw org.apache.hadoop.fs.FsErrors.noSpaceLeft();
            }
        }
    }
}
