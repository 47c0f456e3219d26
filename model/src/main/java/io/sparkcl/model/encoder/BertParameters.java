package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * All parameters of a BERT-family encoder plus its linear head, as views into ONE flat array {@link #flat()}
 * (FLOAT for training, DOUBLE for gradient checks). Tensor names and layouts are HuggingFace/PyTorch's
 * (Linear weight = [out, in]); see {@link #names()}.
 *
 * <p>Layout: word, position, token-type embeddings, embedding LayerNorm weight/bias; per layer the query, key and
 * value weights back to back (so they form one [3d, d] block used as a single fused GEMM), the query/key/value biases
 * back to back, attention output dense weight/bias, attention LayerNorm weight/bias, intermediate dense weight/bias,
 * output dense weight/bias, output LayerNorm weight/bias; finally {@code classifier.weight} [K, d] and
 * {@code classifier.bias} [K] (absent when numLabels is 0). Gradients use the same layout.
 */
public final class BertParameters {
    public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    public static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
    public static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";
    public static final String CLASSIFIER_WEIGHT = "classifier.weight";
    public static final String CLASSIFIER_BIAS = "classifier.bias";
    /** Seed used for a missing classifier head when none is given. */
    public static final long DEFAULT_HEAD_SEED = 42L;

    /** Where one named tensor lives in the flat array. */
    public record Slot(String name, long offset, long[] shape) {
        /** This tensor's view in a flat array of the layout (the parameters or a gradient). */
        public INDArray in(INDArray flatArray) {
            return slice(flatArray, offset, length()).reshape('c', shape);
        }

        public long length() {
            long l = 1;
            for (long s : shape) {
                l *= s;
            }
            return l;
        }
    }

    private final BertConfig config;
    private final int numLabels;
    private final INDArray flat;
    private final Map<String, Slot> slots;
    private final Map<String, INDArray> views = new LinkedHashMap<>();

    private BertParameters(BertConfig config, int numLabels, INDArray flat, Map<String, Slot> slots) {
        this.config = config;
        this.numLabels = numLabels;
        this.flat = flat;
        this.slots = slots;
        for (Slot s : slots.values()) {
            views.put(s.name(), slice(flat, s.offset(), s.length()).reshape('c', s.shape()));
        }
    }

    /** The names and shapes of every tensor of the given configuration, in flat-array order. */
    public static Map<String, Slot> layout(BertConfig c, int numLabels) {
        if (numLabels < 0) {
            throw new IllegalArgumentException("numLabels must be >= 0, got " + numLabels);
        }
        Map<String, Slot> m = new LinkedHashMap<>();
        long[] off = {0};
        int d = c.hiddenSize();
        int inter = c.intermediateSize();
        add(m, off, WORD_EMBEDDINGS, c.vocabSize(), d);
        add(m, off, POSITION_EMBEDDINGS, c.maxPositionEmbeddings(), d);
        add(m, off, TOKEN_TYPE_EMBEDDINGS, c.typeVocabSize(), d);
        add(m, off, "embeddings.LayerNorm.weight", d);
        add(m, off, "embeddings.LayerNorm.bias", d);
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            add(m, off, p + "attention.self.query.weight", d, d);
            add(m, off, p + "attention.self.key.weight", d, d);
            add(m, off, p + "attention.self.value.weight", d, d);
            add(m, off, p + "attention.self.query.bias", d);
            add(m, off, p + "attention.self.key.bias", d);
            add(m, off, p + "attention.self.value.bias", d);
            add(m, off, p + "attention.output.dense.weight", d, d);
            add(m, off, p + "attention.output.dense.bias", d);
            add(m, off, p + "attention.output.LayerNorm.weight", d);
            add(m, off, p + "attention.output.LayerNorm.bias", d);
            add(m, off, p + "intermediate.dense.weight", inter, d);
            add(m, off, p + "intermediate.dense.bias", inter);
            add(m, off, p + "output.dense.weight", d, inter);
            add(m, off, p + "output.dense.bias", d);
            add(m, off, p + "output.LayerNorm.weight", d);
            add(m, off, p + "output.LayerNorm.bias", d);
        }
        if (numLabels > 0) {
            add(m, off, CLASSIFIER_WEIGHT, numLabels, d);
            add(m, off, CLASSIFIER_BIAS, numLabels);
        }
        return Collections.unmodifiableMap(m);
    }

    private static void add(Map<String, Slot> m, long[] off, String name, long... shape) {
        Slot s = new Slot(name, off[0], shape);
        m.put(name, s);
        off[0] += s.length();
    }

    private static long totalLength(Map<String, Slot> slots) {
        long n = 0;
        for (Slot s : slots.values()) {
            n += s.length();
        }
        return n;
    }

    static INDArray slice(INDArray flat, long offset, long length) {
        return flat.get(NDArrayIndex.interval(offset, offset + length));
    }

    /** Whether AdamW applies weight decay to this tensor (not to biases and LayerNorm weights). */
    public static boolean isDecayed(String name) {
        return !(name.endsWith(".bias") || name.contains("LayerNorm"));
    }

    /** Zero parameters of the given layout: an allocation to be filled (a broadcast, a checkpoint, a gradient). */
    public static BertParameters zeros(BertConfig cfg, int numLabels, DataType dt) {
        checkDataType(dt);
        Map<String, Slot> slots = layout(cfg, numLabels);
        return new BertParameters(cfg, numLabels, Nd4j.create(dt, totalLength(slots)), slots);
    }

    /** FLOAT parameters holding a copy of {@code flat} (e.g. a broadcast or a training result). */
    public static BertParameters fromFlat(BertConfig cfg, int numLabels, float[] flat) {
        BertParameters p = zeros(cfg, numLabels, DataType.FLOAT);
        p.assignFlat(flat);
        return p;
    }

    /** Overwrites every parameter with {@code values} (same layout and length). */
    public void assignFlat(float[] values) {
        if (values.length != flat.length()) {
            throw new IllegalArgumentException("flat parameters have " + values.length + " values, the model "
                    + config + " with " + numLabels + " labels needs " + flat.length());
        }
        if (Nd4j.getEnvironment().isCPU() && flat.dataType() == DataType.FLOAT) {
            // one bulk copy into the native buffer (this runs per step on every executor)
            flat.data().asNioFloat().duplicate().position(0).put(values);
            Reference.reachabilityFence(flat); // the view does not keep the array (and its native buffer) alive
        } else {
            flat.assign(Nd4j.createFromArray(values).reshape(flat.shape()));
        }
    }

    /**
     * Random parameters: weights and embeddings ~ normal(0, 0.02), biases 0, LayerNorm weight 1 (as BERT's
     * initialiser). The same seed always gives the same parameters (independent of ND4J's global RNG).
     */
    public static BertParameters randomInit(BertConfig cfg, int numLabels, long seed, DataType dt) {
        checkDataType(dt);
        Map<String, Slot> slots = layout(cfg, numLabels);
        INDArray flat = Nd4j.create(dt, totalLength(slots));
        BertParameters p = new BertParameters(cfg, numLabels, flat, slots);
        int idx = 0;
        for (Slot s : slots.values()) {
            p.initTensor(s.name(), seed * 1_000_003L + idx++);
        }
        return p;
    }

    /** (Re)initialises one tensor as {@link #randomInit} would, from the given seed. */
    private void initTensor(String name, long seed) {
        INDArray v = views.get(name);
        if (name.contains("LayerNorm.weight")) {
            v.assign(1.0);
        } else if (name.endsWith(".bias")) {
            v.assign(0.0);
        } else {
            SplittableRandom rng = new SplittableRandom(seed);
            int len = (int) v.length();
            if (flat.dataType() == DataType.DOUBLE) {
                double[] a = new double[len];
                for (int i = 0; i < len; i++) {
                    a[i] = 0.02 * gaussian(rng);
                }
                v.assign(Nd4j.createFromArray(a).reshape(v.shape()));
            } else {
                float[] a = new float[len];
                for (int i = 0; i < len; i++) {
                    a[i] = (float) (0.02 * gaussian(rng));
                }
                v.assign(Nd4j.createFromArray(a).reshape(v.shape()));
            }
        }
    }

    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    private static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** As {@link #fromHuggingFace(BertConfig, int, Map, String, long, DataType)} with FLOAT and the default head seed. */
    public static BertParameters fromHuggingFace(BertConfig cfg, int numLabels, Map<String, INDArray> tensors,
                                                 String source) {
        return fromHuggingFace(cfg, numLabels, tensors, source, DEFAULT_HEAD_SEED, DataType.FLOAT);
    }

    /**
     * Copies HuggingFace-named tensors (no "bert."/"roberta." prefix, no pooler) into a new flat array.
     * {@code classifier.weight}/{@code classifier.bias} may be missing: the head is then initialised randomly from
     * {@code headSeed}. Any other missing tensor, an unexpected tensor or a shape mismatch throws
     * {@link ModelLoadException} naming the tensor and {@code source}.
     */
    public static BertParameters fromHuggingFace(BertConfig cfg, int numLabels, Map<String, INDArray> tensors,
                                                 String source, long headSeed, DataType dt) {
        checkDataType(dt);
        Map<String, Slot> slots = layout(cfg, numLabels);
        TreeSet<String> unexpected = new TreeSet<>(tensors.keySet());
        unexpected.removeAll(slots.keySet());
        if (!unexpected.isEmpty()) {
            throw new ModelLoadException("Unexpected tensor(s) " + unexpected + " in " + source + " for a "
                    + cfg.architecture() + " encoder with " + cfg.numHiddenLayers() + " layers and " + numLabels
                    + " labels");
        }
        List<String> missing = new ArrayList<>();
        for (String name : slots.keySet()) {
            if (!tensors.containsKey(name) && !name.startsWith("classifier.")) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelLoadException("Missing tensor(s) " + missing + " in " + source);
        }
        boolean hasW = tensors.containsKey(CLASSIFIER_WEIGHT);
        boolean hasB = tensors.containsKey(CLASSIFIER_BIAS);
        if (hasW != hasB) {
            throw new ModelLoadException("Missing tensor " + (hasW ? CLASSIFIER_BIAS : CLASSIFIER_WEIGHT) + " in "
                    + source + " (the classifier needs both weight and bias)");
        }
        INDArray flat = Nd4j.create(dt, totalLength(slots));
        BertParameters p = new BertParameters(cfg, numLabels, flat, slots);
        for (Slot s : slots.values()) {
            INDArray t = tensors.get(s.name());
            if (t == null) {
                continue; // classifier: initialised below
            }
            if (!Arrays.equals(t.shape(), s.shape())) {
                throw new ModelLoadException("Tensor " + s.name() + " in " + source + " has shape "
                        + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(s.shape()));
            }
            p.views.get(s.name()).assign(t.dataType() == dt ? t : t.castTo(dt));
        }
        if (numLabels > 0 && !hasW) {
            p.initTensor(CLASSIFIER_WEIGHT, headSeed);
            p.initTensor(CLASSIFIER_BIAS, headSeed + 1);
        }
        return p;
    }

    private static void checkDataType(DataType dt) {
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            throw new IllegalArgumentException("BertParameters: data type must be FLOAT or DOUBLE, got " + dt);
        }
    }

    /** A deep copy in the given data type (e.g. DOUBLE for gradient checks). */
    public BertParameters copy(DataType dt) {
        checkDataType(dt);
        INDArray f = flat.castTo(dt).dup();
        return new BertParameters(config, numLabels, f, slots);
    }

    /**
     * Views of every tensor under its HuggingFace name (shapes as in PyTorch; they share memory with
     * {@link #flat()}: copy them if the parameters will change).
     */
    public Map<String, INDArray> toHuggingFace() {
        return Collections.unmodifiableMap(views);
    }

    /** The one flat parameter array; every tensor is a view into it. */
    public INDArray flat() {
        return flat;
    }

    /** A view of the named tensor (HuggingFace name and shape). */
    public INDArray tensor(String name) {
        INDArray v = views.get(name);
        if (v == null) {
            throw new IllegalArgumentException("No tensor '" + name + "' in this " + config.architecture()
                    + " encoder; known: " + slots.keySet());
        }
        return v;
    }

    /** The same tensor's view in another flat array of this layout (e.g. a gradient). */
    public INDArray tensorIn(INDArray otherFlat, String name) {
        Slot s = slot(name);
        if (otherFlat.length() != flat.length()) {
            throw new IllegalArgumentException("tensorIn: array of length " + otherFlat.length()
                    + " is not in the parameter layout (length " + flat.length() + ")");
        }
        return s.in(otherFlat);
    }

    public Slot slot(String name) {
        Slot s = slots.get(name);
        if (s == null) {
            throw new IllegalArgumentException("No tensor '" + name + "'; known: " + slots.keySet());
        }
        return s;
    }

    /** Tensor names in flat-array order. */
    public List<String> names() {
        return List.copyOf(slots.keySet());
    }

    /** Total number of parameters (length of {@link #flat()}). */
    public long size() {
        return flat.length();
    }

    public DataType dataType() {
        return flat.dataType();
    }

    public BertConfig config() {
        return config;
    }

    public int numLabels() {
        return numLabels;
    }

    /** A flat array (same dtype and layout as {@link #flat()}) with 1 where weight decay applies, 0 elsewhere. */
    public INDArray weightDecayMask() {
        INDArray m = Nd4j.create(flat.dataType(), flat.length());
        for (Slot s : slots.values()) {
            if (isDecayed(s.name())) {
                slice(m, s.offset(), s.length()).assign(1.0);
            }
        }
        return m;
    }

    /** [start, end) of the word-embedding matrix in the flat layout (for freezing). */
    public long[] wordEmbeddingRange() {
        Slot s = slots.get(WORD_EMBEDDINGS);
        return new long[]{s.offset(), s.offset() + s.length()};
    }
}
