package io.sparkcl.job.train.bench;

import org.bytedeco.javacpp.Pointer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Samples memory every few milliseconds in a daemon thread and keeps the peaks: ND4J/JavaCPP off-heap bytes
 * (what the encoder's arrays use), JVM heap in use, and their sum.
 */
final class PeakMemorySampler implements AutoCloseable {
    private final MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakOffHeap;
    private volatile long peakHeap;
    private volatile long peakTotal;

    PeakMemorySampler() {
        thread = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "peak-memory-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        long off = Pointer.totalBytes();
        long heap = mx.getHeapMemoryUsage().getUsed();
        peakOffHeap = Math.max(peakOffHeap, off);
        peakHeap = Math.max(peakHeap, heap);
        peakTotal = Math.max(peakTotal, off + heap);
    }

    long peakOffHeap() {
        return peakOffHeap;
    }

    long peakHeap() {
        return peakHeap;
    }

    long peakTotal() {
        return peakTotal;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }
}
