package io.sparkcl.datasets.read;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Reads lines as raw bytes (no decoding), so each line can be checked for invalid UTF-8 on its own. */
final class ByteLineReader implements AutoCloseable {
    private final InputStream in;
    private byte[] buf = new byte[8192];
    private int len;

    ByteLineReader(InputStream in) {
        this.in = new BufferedInputStream(in, 1 << 16);
    }

    /** The next line without its {@code \n} / {@code \r\n}, or null at the end of the stream. */
    byte[] next() {
        len = 0;
        try {
            int b;
            boolean any = false;
            while ((b = in.read()) != -1) {
                any = true;
                if (b == '\n') {
                    break;
                }
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                buf[len++] = (byte) b;
            }
            if (!any) {
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end = len;
        if (end > 0 && buf[end - 1] == '\r') {
            end--;
        }
        return Arrays.copyOf(buf, end);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
