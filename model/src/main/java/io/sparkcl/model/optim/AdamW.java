package io.sparkcl.model.optim;

import io.sparkcl.model.encoder.BertParameters;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Reference;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * AdamW (Loshchilov &amp; Hutter; as {@code torch.optim.AdamW}) over one flat parameter array and its flat gradient:
 * <pre>
 *   p  &lt;- p - lr*wd*p                       (only where the decay mask is 1: not biases, not LayerNorm)
 *   m  &lt;- b1*m + (1-b1)*g;   v &lt;- b2*v + (1-b2)*g^2
 *   p  &lt;- p - (lr / (1-b1^t)) * m / (sqrt(v) / sqrt(1-b2^t) + eps)
 * </pre>
 * Frozen ranges (e.g. the word embeddings) are left untouched: no update, no decay, no moment change.
 * FLOAT on the CPU backend: one fused Java pass over the arrays per step, split into chunks run in parallel; other
 * types (the float64 reference) and backends: ND4J operations per chunk. Not thread-safe.
 */
public final class AdamW {
    private static final int CHUNK = 1 << 18;
    /** Elements per heap block of the fused FLOAT step (16 KiB per array: stays in L1/L2). */
    private static final int BLOCK = 4096;
    private static final int MAGIC = 0x41644d57; // "AdMW"

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final long size;
    private final DataType dataType;
    private final INDArray m;
    private final INDArray v;
    /** Run-length segments of the decay mask: [start, end) with decay on/off. */
    private final List<long[]> decaySegments = new ArrayList<>();
    private final List<long[]> frozen = new ArrayList<>();
    private long step;

    /**
     * @param size      number of parameters (length of the flat arrays)
     * @param dataType  FLOAT or DOUBLE (the parameters' type)
     * @param decayMask flat array, 1 where weight decay applies and 0 elsewhere (null = decay everywhere)
     */
    public AdamW(long size, DataType dataType, double beta1, double beta2, double epsilon, double weightDecay,
                 INDArray decayMask) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("AdamW: data type must be FLOAT or DOUBLE, got " + dataType);
        }
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || epsilon <= 0 || weightDecay < 0) {
            throw new IllegalArgumentException("AdamW: need 0 <= beta1, beta2 < 1, epsilon > 0, weightDecay >= 0; got beta1="
                    + beta1 + " beta2=" + beta2 + " epsilon=" + epsilon + " weightDecay=" + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.size = size;
        this.dataType = dataType;
        this.m = Nd4j.zeros(dataType, size);
        this.v = Nd4j.zeros(dataType, size);
        if (decayMask == null) {
            decaySegments.add(new long[]{0, size, 1});
        } else {
            if (decayMask.length() != size) {
                throw new IllegalArgumentException("AdamW: decay mask length " + decayMask.length() + " != " + size);
            }
            double[] mask = decayMask.castTo(DataType.DOUBLE).data().asDouble();
            long start = 0;
            for (int i = 1; i <= mask.length; i++) {
                if (i == mask.length || (mask[i] != 0) != (mask[(int) start] != 0)) {
                    decaySegments.add(new long[]{start, i, mask[(int) start] != 0 ? 1 : 0});
                    start = i;
                }
            }
        }
    }

    /** AdamW for a model's parameters with torch defaults (betas 0.9/0.999, eps 1e-8) and the model's decay mask. */
    public static AdamW forParameters(BertParameters p, double weightDecay) {
        return forParameters(p, 0.9, 0.999, 1e-8, weightDecay);
    }

    public static AdamW forParameters(BertParameters p, double beta1, double beta2, double epsilon, double weightDecay) {
        return new AdamW(p.size(), p.dataType(), beta1, beta2, epsilon, weightDecay, p.weightDecayMask());
    }

    /** Leaves [start, end) untouched by every later step (e.g. {@link BertParameters#wordEmbeddingRange()}). */
    public void freezeRange(long start, long end) {
        if (start < 0 || end > size || start > end) {
            throw new IllegalArgumentException("AdamW.freezeRange: bad range [" + start + "," + end + ") of " + size);
        }
        frozen.add(new long[]{start, end});
    }

    /** Removes every frozen range. */
    public void unfreezeAll() {
        frozen.clear();
    }

    /** One update of {@code params} in place from {@code grads} at learning rate {@code lr}. */
    public void step(INDArray params, INDArray grads, double lr) {
        step(params, grads, lr, 1.0);
    }

    /**
     * One update from {@code gradScale * grads} ({@code grads} is left as it is): the clipping factor of
     * {@link GradientClipping#scaleFor} applied inside this pass instead of in a pass of its own. The product is
     * taken in the parameters' type, as an in-place {@code grads.muli(gradScale)} would.
     */
    public void step(INDArray params, INDArray grads, double lr, double gradScale) {
        if (!(gradScale > 0) || Double.isInfinite(gradScale)) {
            throw new IllegalArgumentException("AdamW.step: gradScale must be positive and finite, got " + gradScale);
        }
        checkFlat("params", params);
        checkFlat("grads", grads);
        step++;
        final double bc1 = 1.0 - Math.pow(beta1, step);
        final double bc2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, step));
        final double stepSize = lr / bc1;
        final double decayFactor = 1.0 - lr * weightDecay;
        List<long[]> chunks = chunks();
        if (dataType == DataType.FLOAT && Nd4j.getEnvironment().isCPU()) {
            stepFused(params, grads, chunks, stepSize, bc2Sqrt, decayFactor, gradScale);
        } else {
            stepPortable(params, grads, chunks, stepSize, bc2Sqrt, decayFactor, gradScale);
        }
    }

    /** FLOAT on the CPU: one fused Java pass per chunk over the native buffers. */
    private void stepFused(INDArray params, INDArray grads, List<long[]> chunks, double stepSize, double bc2Sqrt,
                           double decayFactor, double gradScale) {
        FloatBuffer p = params.data().asNioFloat();
        FloatBuffer g = grads.data().asNioFloat();
        FloatBuffer mb = m.data().asNioFloat();
        FloatBuffer vb = v.data().asNioFloat();
        final float b1 = (float) beta1;
        final float b2 = (float) beta2;
        final float omb1 = (float) (1.0 - beta1);
        final float omb2 = (float) (1.0 - beta2);
        final float ss = (float) stepSize;
        final float bc2s = (float) bc2Sqrt;
        final float eps = (float) epsilon;
        final float df = (float) decayFactor;
        final float gs = (float) gradScale;
        IntStream.range(0, chunks.size()).parallel().forEach(ci -> {
            long[] c = chunks.get(ci);
            int from = (int) c[0];
            int to = (int) c[1];
            boolean decay = c[2] != 0 && weightDecay != 0;
            final float keep = decay ? df : 1f;
            // Through heap blocks: C2 vectorises the loop over arrays (not indexed buffer access).
            float[] pa = new float[BLOCK];
            float[] ga = new float[BLOCK];
            float[] ma = new float[BLOCK];
            float[] va = new float[BLOCK];
            for (int at = from; at < to; at += BLOCK) {
                int len = Math.min(BLOCK, to - at);
                p.get(at, pa, 0, len);
                g.get(at, ga, 0, len);
                mb.get(at, ma, 0, len);
                vb.get(at, va, 0, len);
                for (int i = 0; i < len; i++) {
                    float gi = ga[i] * gs; // exact when gs is 1
                    float mi = b1 * ma[i] + omb1 * gi;
                    float vi = b2 * va[i] + omb2 * gi * gi;
                    ma[i] = mi;
                    va[i] = vi;
                    pa[i] = pa[i] * keep - ss * mi / ((float) Math.sqrt(vi) / bc2s + eps);
                }
                p.put(at, pa, 0, len);
                mb.put(at, ma, 0, len);
                vb.put(at, va, 0, len);
            }
        });
        // the buffer views do not keep the arrays alive: the collector must not free a native buffer mid-pass
        Reference.reachabilityFence(params);
        Reference.reachabilityFence(grads);
    }

    /** Other data types (the float64 reference) and backends: ND4J operations on views of each chunk. */
    private void stepPortable(INDArray params, INDArray grads, List<long[]> chunks, double stepSize, double bc2Sqrt,
                              double decayFactor, double gradScale) {
        for (long[] c : chunks) {
            INDArray p = params.get(NDArrayIndex.interval(c[0], c[1]));
            INDArray g = grads.get(NDArrayIndex.interval(c[0], c[1]));
            if (gradScale != 1.0) {
                g = g.mul(gradScale);
            }
            INDArray mc = m.get(NDArrayIndex.interval(c[0], c[1]));
            INDArray vc = v.get(NDArrayIndex.interval(c[0], c[1]));
            mc.muli(beta1).addi(g.mul(1.0 - beta1));
            vc.muli(beta2).addi(g.mul(g).muli(1.0 - beta2));
            if (c[2] != 0 && weightDecay != 0) {
                p.muli(decayFactor);
            }
            p.subi(mc.mul(stepSize).divi(Transforms.sqrt(vc, true).divi(bc2Sqrt).addi(epsilon)));
        }
    }

    private void checkFlat(String what, INDArray a) {
        if (a.length() != size || a.dataType() != dataType) {
            throw new IllegalArgumentException("AdamW.step: " + what + " must be a flat " + dataType + " array of length "
                    + size + ", got " + a.dataType() + " of length " + a.length());
        }
        if (a.isView() || a.offset() != 0 || !a.isVector() && a.rank() != 1 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("AdamW.step: " + what + " must be its own contiguous array (not a view)");
        }
    }

    /** Decay segments minus frozen ranges, cut into chunks of at most CHUNK elements: {from, to, decay}. */
    private List<long[]> chunks() {
        List<long[]> out = new ArrayList<>();
        for (long[] seg : decaySegments) {
            List<long[]> parts = new ArrayList<>();
            parts.add(new long[]{seg[0], seg[1]});
            for (long[] f : frozen) {
                List<long[]> next = new ArrayList<>();
                for (long[] p : parts) {
                    if (f[1] <= p[0] || f[0] >= p[1]) {
                        next.add(p);
                    } else {
                        if (p[0] < f[0]) {
                            next.add(new long[]{p[0], f[0]});
                        }
                        if (f[1] < p[1]) {
                            next.add(new long[]{f[1], p[1]});
                        }
                    }
                }
                parts = next;
            }
            for (long[] p : parts) {
                for (long s = p[0]; s < p[1]; s += CHUNK) {
                    out.add(new long[]{s, Math.min(p[1], s + CHUNK), seg[2]});
                }
            }
        }
        return out;
    }

    /** Number of updates made so far. */
    public long stepCount() {
        return step;
    }

    public DataType dataType() {
        return dataType;
    }

    public long size() {
        return size;
    }

    /** A copy of the state as plain arrays. */
    public AdamWState exportState() {
        return new AdamWState(step, m.castTo(DataType.DOUBLE).data().asDouble(), v.castTo(DataType.DOUBLE).data().asDouble());
    }

    /** Restores a state from {@link #exportState()}: later steps continue bit-identically. */
    public void importState(AdamWState s) {
        if (s.m().length != size) {
            throw new IllegalArgumentException("AdamW.importState: state has " + s.m().length + " entries, optimizer "
                    + size);
        }
        m.assign(Nd4j.createFromArray(s.m()).castTo(dataType));
        v.assign(Nd4j.createFromArray(s.v()).castTo(dataType));
        step = s.step();
    }

    /** Writes step, m and v (binary, in the optimizer's data type) to a stream. */
    public void writeTo(OutputStream os) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
        out.writeInt(MAGIC);
        out.writeInt(dataType == DataType.FLOAT ? 4 : 8);
        out.writeLong(size);
        out.writeLong(step);
        for (INDArray a : new INDArray[]{m, v}) {
            if (dataType == DataType.FLOAT) {
                FloatBuffer b = a.data().asNioFloat();
                for (int i = 0; i < size; i++) {
                    out.writeFloat(b.get(i));
                }
            } else {
                DoubleBuffer b = a.data().asNioDouble();
                for (int i = 0; i < size; i++) {
                    out.writeDouble(b.get(i));
                }
            }
        }
        out.flush();
    }

    /** Reads a state written by {@link #writeTo(OutputStream)} into this optimizer. */
    public void readFrom(InputStream is, String source) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16));
        if (in.readInt() != MAGIC) {
            throw new IOException("Not an AdamW state file: " + source);
        }
        int width = in.readInt();
        long n = in.readLong();
        if (n != size || width != (dataType == DataType.FLOAT ? 4 : 8)) {
            throw new IOException("AdamW state " + source + " has " + n + " entries of " + width
                    + " bytes; this optimizer has " + size + " of " + (dataType == DataType.FLOAT ? 4 : 8));
        }
        long s = in.readLong();
        for (INDArray a : new INDArray[]{m, v}) {
            if (dataType == DataType.FLOAT) {
                FloatBuffer b = a.data().asNioFloat();
                for (int i = 0; i < size; i++) {
                    b.put(i, in.readFloat());
                }
            } else {
                DoubleBuffer b = a.data().asNioDouble();
                for (int i = 0; i < size; i++) {
                    b.put(i, in.readDouble());
                }
            }
        }
        step = s;
    }

    public void save(Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file)) {
            writeTo(os);
        }
    }

    public void load(Path file) throws IOException {
        try (InputStream is = Files.newInputStream(file)) {
            readFrom(is, file.toString());
        }
    }
}
