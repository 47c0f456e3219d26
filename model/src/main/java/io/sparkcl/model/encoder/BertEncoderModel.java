package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * BERT/RoBERTa encoder (post-LayerNorm, as HuggingFace's modeling_bert.py) with a linear head over the pooled feature
 * and the DualCL label-feature head. Forward and a hand-written backward (no autodiff), one method pair per block:
 *
 * <pre>
 *   x = Dropout(LN(word[ids] + pos[posIds] + type[typeIds]))                               {@link EmbeddingsBlock}
 *   per layer:  x1 = LN(x + Dropout(Attention(x) Wo^T + bo)),
 *                    Attention = Dropout(softmax(QK^T/sqrt(dh) + maskBias)) V               {@link SelfAttentionBlock}
 *               x' = LN(x1 + Dropout(GELU(x1 Wi^T + bi) Wo2^T + bo2)), GELU exact (erf)    {@link FeedForwardBlock}
 *   pooled = x[CLS] or masked mean;  logits = pooled Wc^T + bc;
 *   labelFeatures[i,k] = mean of x at label k's positions                                  {@link PoolingHeadBlock}
 * </pre>
 *
 * The blocks take their tensors from {@link ParameterSlots} (resolved once) and compute with {@link EncoderKernels}:
 * fused CPU kernels or the portable ND4J path ({@link ComputePath}). Every projection is one GEMM over all n*T tokens,
 * attention uses batched matmuls over n*H heads, and every activation buffer is reused across calls.
 *
 * <p>{@code forward(batch, true)} keeps what backward needs; {@code forward(batch, false)} is the inference path: no
 * dropout, nothing kept for backward (buffers shared across layers, no GELU derivative).
 *
 * <p>Not thread-safe: use one instance per thread (instances are cheap and may share one {@link BertParameters}).
 * A {@link ForwardState} can be back-propagated until the next {@code forward} call on the same instance.
 */
public final class BertEncoderModel {
    /** Additive bias on the attention scores of padding keys. */
    private static final double MASK_BIAS = -1e9;

    private final BertParameters params;
    private final Pooling pooling;
    private final BertConfig cfg;
    private final DataType dt;
    private final ComputePath path;
    private final EncoderKernels baseKernels;
    private final ParameterSlots slots;
    private final BufferArena arena;
    private EmbeddingsBlock embeddings;
    private SelfAttentionBlock attention;
    private FeedForwardBlock feedForward;
    private PoolingHeadBlock head;
    private boolean freezeWordEmbeddings;
    private boolean lastLayerOnHeadRows = true;
    /** The kernels the blocks use (profiled when a profile is attached). */
    private EncoderKernels blockKernels;
    private long generation;
    private EncoderProfile profile;

    /** An encoder on the {@link ComputePath#auto automatic} path for the parameters' data type and the backend. */
    public BertEncoderModel(BertParameters params, Pooling pooling) {
        this(params, pooling, params == null ? null : ComputePath.auto(params.dataType()));
    }

    public BertEncoderModel(BertParameters params, Pooling pooling, ComputePath path) {
        if (params == null || pooling == null || path == null) {
            throw new IllegalArgumentException("BertEncoderModel needs parameters, a pooling and a compute path");
        }
        this.params = params;
        this.pooling = pooling;
        this.cfg = params.config();
        this.dt = params.dataType();
        this.path = path;
        this.baseKernels = path.kernels(dt);
        this.slots = ParameterSlots.of(params);
        this.arena = new BufferArena(dt);
        buildBlocks(baseKernels);
    }

    private void buildBlocks(EncoderKernels k) {
        blockKernels = k;
        embeddings = new EmbeddingsBlock(k, arena, cfg, slots.embeddings());
        attention = new SelfAttentionBlock(k, arena, cfg);
        feedForward = new FeedForwardBlock(k, arena, cfg);
        head = new PoolingHeadBlock(k, arena, dt, pooling, slots.head());
    }

    /** Attaches a profile that accumulates time per block and per kernel (null to detach). */
    public void setProfile(EncoderProfile profile) {
        this.profile = profile;
        buildBlocks(profile == null ? baseKernels : ProfiledKernels.wrap(baseKernels, profile));
    }

    /** When true, backward leaves the word-embedding gradient rows untouched (zero if gradFlat was zeroed). */
    public void freezeWordEmbeddings(boolean freeze) {
        this.freezeWordEmbeddings = freeze;
    }

    public boolean wordEmbeddingsFrozen() {
        return freezeWordEmbeddings;
    }

    public BertParameters parameters() {
        return params;
    }

    public BertConfig config() {
        return cfg;
    }

    public Pooling pooling() {
        return pooling;
    }

    public ComputePath computePath() {
        return path;
    }

    /** Bytes of activation buffers held for reuse. */
    public long bufferBytes() {
        return arena.bytes();
    }

    void checkCurrent(ForwardState s) {
        if (s.model != this || s.generation != generation) {
            throw new IllegalStateException("This ForwardState is stale: a later forward() on the same model reused its"
                    + " buffers (back-propagate a state before the next forward, or use one model per thread)");
        }
    }

    /** Runs one block, timed under {@code name} when a profile is attached. */
    private void block(String name, Runnable body) {
        if (profile == null) {
            body.run();
            return;
        }
        profile.enter(name);
        long t0 = System.nanoTime();
        body.run();
        profile.addBlock(name, t0);
    }

    // ---------------------------------------------------------------------------------------------- forward

    /**
     * Runs the encoder. With {@code training}: dropout from the row seeds (none when {@code batch.dropoutSeeds()} is
     * null), and the activations are kept for {@link #backward}. Without: no dropout and the forward-only path.
     */
    public ForwardState forward(EncoderBatch batch, boolean training) {
        final boolean drop = training && batch.dropoutSeeds() != null;
        final double pHidden = drop ? cfg.hiddenDropout() : 0.0;
        final double pAttn = drop ? cfg.attentionDropout() : 0.0;
        final long[] seeds = batch.dropoutSeeds();
        final INDArray flat = params.flat();
        final int d = cfg.hiddenSize();

        generation++;
        Activations a = new Activations();
        flattenInputs(batch, a);
        a.stored = training;
        final int n = a.n;
        final int t = a.t;
        INDArray x0 = arena.get(training ? "L0.in" : "fwd.in", a.tokens(), d);
        block("forward: embeddings", () -> embeddings.forward(flat, a, seeds, pHidden, x0));

        INDArray maskBias = attentionMaskBias(batch);
        a.layers = new Activations.Layer[cfg.numHiddenLayers()];
        INDArray x = x0;
        for (int l = 0; l < a.layers.length; l++) {
            final int layer = l;
            Activations.Layer la = new Activations.Layer();
            a.layers[l] = la;
            la.input = x;
            // In inference the layer input's buffer is dead after the attention block and receives the output.
            la.output = training ? arena.get("L" + (l + 1) + ".in", a.tokens(), d) : x;
            String prefix = training ? "L" + l + "." : "fwd.";
            block("forward: self-attention", () -> attention.forward(flat, slots.layers()[layer], la, layer, prefix,
                    n, t, maskBias, seeds, pAttn, pHidden, training));
            block("forward: feed-forward", () -> feedForward.forward(flat, slots.layers()[layer], la, layer, prefix,
                    n, t, seeds, pHidden, training));
            x = la.output;
        }
        a.finalHidden = x;
        PoolingHeadBlock.Outputs[] out = new PoolingHeadBlock.Outputs[1];
        block("forward: pooling and heads", () -> out[0] = head.forward(flat, a, batch, d));
        return new ForwardState(this, batch, training, generation, out[0].pooled().dup(), out[0].logits(),
                out[0].labelFeatures(), a);
    }

    /** Validates ids and computes flat token, position and type ids. */
    private void flattenInputs(EncoderBatch b, Activations a) {
        a.n = b.size();
        a.t = b.seqLength();
        int n = b.size();
        int t = b.seqLength();
        a.ids = new int[n * t];
        a.positionIds = new int[n * t];
        a.typeIds = new int[n * t];
        boolean roberta = cfg.positionOffset() > 0;
        for (int i = 0; i < n; i++) {
            int count = 0;
            for (int j = 0; j < t; j++) {
                int id = b.inputIds()[i][j];
                if (id < 0 || id >= cfg.vocabSize()) {
                    throw new IllegalArgumentException("EncoderBatch row " + i + " position " + j + ": token id " + id
                            + " outside the vocabulary [0," + cfg.vocabSize() + ")");
                }
                int m = b.attentionMask()[i][j];
                if (m != 0 && m != 1) {
                    throw new IllegalArgumentException("EncoderBatch row " + i + " position " + j
                            + ": attention mask must be 0 or 1, got " + m);
                }
                int type = b.tokenTypeIds() == null ? 0 : b.tokenTypeIds()[i][j];
                if (type < 0 || type >= cfg.typeVocabSize()) {
                    throw new IllegalArgumentException("EncoderBatch row " + i + " position " + j + ": token type "
                            + type + " outside [0," + cfg.typeVocabSize() + ")");
                }
                // RoBERTa numbers the non-padding tokens from padTokenId+1; padding gets padTokenId (as HuggingFace).
                int pos;
                if (roberta) {
                    pos = id == cfg.padTokenId() ? cfg.padTokenId() : cfg.positionOffset() + count++;
                } else {
                    pos = j;
                }
                if (pos >= cfg.maxPositionEmbeddings()) {
                    throw new IllegalArgumentException("EncoderBatch row " + i + ": sequence length " + t
                            + " exceeds max_position_embeddings " + cfg.maxPositionEmbeddings()
                            + (roberta ? " (minus the RoBERTa offset " + cfg.positionOffset() + ")" : ""));
                }
                a.ids[i * t + j] = id;
                a.positionIds[i * t + j] = pos;
                a.typeIds[i * t + j] = type;
            }
        }
    }

    /** [n, T]: 0 for real tokens, a large negative number for padding keys. */
    private INDArray attentionMaskBias(EncoderBatch b) {
        int n = b.size();
        int t = b.seqLength();
        double[] m = new double[n * t];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < t; j++) {
                m[i * t + j] = b.attentionMask()[i][j] == 0 ? MASK_BIAS : 0.0;
            }
        }
        return Nd4j.createFromArray(m).castTo(dt).reshape(n, t);
    }

    // ---------------------------------------------------------------------------------------------- backward

    /**
     * Back-propagates the given output gradients (any may be null) through the state's forward pass and ADDS the
     * parameter gradients into {@code gradFlat} (same layout and dtype as {@code parameters().flat()}). The state must
     * come from {@code forward(batch, true)}.
     *
     * @param gradPooled        dLoss/dPooled [n, d]
     * @param gradLogits        dLoss/dLogits [n, K]
     * @param gradLabelFeatures dLoss/dLabelFeatures [n, K, d]
     */
    public void backward(ForwardState s, INDArray gradPooled, INDArray gradLogits, INDArray gradLabelFeatures,
                         INDArray gradFlat) {
        checkCurrent(s);
        Activations a = s.acts;
        if (!a.stored) {
            throw new IllegalStateException("This ForwardState comes from forward(batch, training=false), which keeps"
                    + " no activations; use forward(batch, true) to back-propagate");
        }
        final int n = a.n;
        final int nt = a.tokens();
        final int d = cfg.hiddenSize();
        final INDArray flat = params.flat();
        final INDArray g = checkGradFlat(gradFlat);
        checkShape("gradPooled", gradPooled, n, d);
        if (gradLogits != null) {
            if (params.numLabels() == 0) {
                throw new IllegalArgumentException("gradLogits given but the model has no classifier head");
            }
            checkShape("gradLogits", gradLogits, n, params.numLabels());
        }
        if (gradLabelFeatures != null) {
            if (a.labelMatrix == null) {
                throw new IllegalArgumentException("gradLabelFeatures given but the batch had no label positions");
            }
            checkShape("gradLabelFeatures", gradLabelFeatures, n, s.batch.numLabelFeatures(), d);
        }

        // dX: dLoss/d(output of the current layer); dX1: dLoss/d(its attention block's output).
        INDArray dX = arena.get("bw.dx", nt, d);
        INDArray dX1 = arena.get("bw.dx1", nt, d);
        block("backward: pooling and heads",
                () -> head.backward(flat, g, a, gradPooled, gradLogits, gradLabelFeatures, dX, d));
        int last = cfg.numHiddenLayers() - 1;
        for (int l = last; l >= 0; l--) {
            ParameterSlots.Layer w = slots.layers()[l];
            Activations.Layer la = a.layers[l];
            if (l == last && a.headRows != null && lastLayerOnHeadRows) {
                lastLayerBackwardOnHeadRows(flat, g, w, la, a, dX);
                continue;
            }
            block("backward: feed-forward", () -> feedForward.backward(flat, g, w, la, n, a.t, dX, dX1));
            block("backward: self-attention", () -> attention.backward(flat, g, w, la, n, a.t, dX1, dX));
        }
        block("backward: embeddings", () -> embeddings.backward(flat, g, a, dX, freezeWordEmbeddings));
    }

    /**
     * The last layer's backward when its output gradient dX is zero outside the rows the heads read (CLS pooling):
     * the feed-forward block and the attention output projection are row-local, so they run on those rows alone (one
     * per sequence instead of T); attention and the Q/K/V projection then run on every row. Same gradients.
     */
    private void lastLayerBackwardOnHeadRows(INDArray flat, INDArray g, ParameterSlots.Layer w, Activations.Layer la,
                                             Activations a, INDArray dX) {
        int d = cfg.hiddenSize();
        RowSubset rows = new RowSubset(blockKernels, arena, a.headRows);
        Activations.Layer[] onRows = new Activations.Layer[1];
        INDArray dX1Rows = arena.get("rows.dx1", rows.size(), d);
        block("backward: feed-forward", () -> {
            onRows[0] = rows.of(la);
            INDArray dOutRows = rows.gather("dout", dX);
            feedForward.backward(flat, g, w, onRows[0], rows.size(), 1, dOutRows, dX1Rows);
        });
        block("backward: self-attention", () -> attention.backwardFromRows(flat, g, w, la, onRows[0], rows, a.n, a.t,
                dX1Rows, dX));
    }

    /** Tests: false makes the last layer's backward run on every row, as for MEAN pooling. */
    void lastLayerOnHeadRows(boolean on) {
        this.lastLayerOnHeadRows = on;
    }

    private INDArray checkGradFlat(INDArray gradFlat) {
        if (gradFlat == null || gradFlat.length() != params.size() || gradFlat.dataType() != dt) {
            throw new IllegalArgumentException("gradFlat must be a " + dt + " array of length " + params.size()
                    + " (the parameter layout), got "
                    + (gradFlat == null ? "null" : gradFlat.dataType() + " of length " + gradFlat.length()));
        }
        INDArray g = gradFlat.rank() == 1 ? gradFlat : gradFlat.reshape(gradFlat.length());
        if (g.isView() && g.offset() != 0 || g.ordering() != 'c' && g.rank() != 1) {
            throw new IllegalArgumentException("gradFlat must be a contiguous array");
        }
        return g;
    }

    private static void checkShape(String what, INDArray a, long... shape) {
        if (a != null && !Arrays.equals(a.shape(), shape)) {
            throw new IllegalArgumentException(what + " has shape " + Arrays.toString(a.shape()) + ", expected "
                    + Arrays.toString(shape));
        }
    }
}
