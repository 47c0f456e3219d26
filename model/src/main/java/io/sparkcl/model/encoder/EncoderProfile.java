package io.sparkcl.model.encoder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock time per block of forward/backward and per kernel inside each block, accumulated while attached to a
 * model (for the benchmark). The model times its block calls and wraps its kernels; the math itself has no timing
 * code.
 */
public final class EncoderProfile {
    private final Map<String, Long> blocks = new LinkedHashMap<>();
    private final Map<String, Long> kernels = new LinkedHashMap<>();
    private String currentBlock = "";

    /** Adds the time since {@code startNanos} to the block (or any other named phase) and returns now. */
    public long addBlock(String block, long startNanos) {
        long now = System.nanoTime();
        blocks.merge(block, now - startNanos, Long::sum);
        return now;
    }

    /** Names the block that the next kernel calls belong to. */
    void enter(String block) {
        currentBlock = block;
    }

    void addKernel(String kernel, long startNanos) {
        kernels.merge(currentBlock + ": " + kernel, System.nanoTime() - startNanos, Long::sum);
    }

    public void reset() {
        blocks.clear();
        kernels.clear();
    }

    /** Nanoseconds per block, in first-seen order. */
    public Map<String, Long> blocks() {
        return new LinkedHashMap<>(blocks);
    }

    /** Nanoseconds per "block: kernel", in first-seen order. */
    public Map<String, Long> kernels() {
        return new LinkedHashMap<>(kernels);
    }

    /** Sum over blocks. */
    public long totalNanos() {
        long t = 0;
        for (long n : blocks.values()) {
            t += n;
        }
        return t;
    }
}
