package io.sparkcl.model.encoder;

import io.sparkcl.model.encoder.EncoderProfile.Phase;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * BERT/RoBERTa encoder (post-LayerNorm, as HuggingFace's modeling_bert.py) with a linear head over the pooled feature
 * and the DualCL label-feature head. Forward and a hand-written backward with eager ND4J ops (no autodiff): every
 * projection is one GEMM over all n*T tokens, attention uses batched matmuls over n*H heads, and every activation
 * buffer is reused across steps.
 *
 * <pre>
 *   x = Dropout(LN(word[ids] + pos[posIds] + type[typeIds]))
 *   per layer:  a  = LN(x + Dropout(Attention(x) Wo^T + bo)),  Attention = softmax(QK^T/sqrt(dh) + maskBias) (dropout) V
 *               x' = LN(a + Dropout(GELU(a Wi^T + bi) Wo2^T + bo2)),  GELU(h) = h/2 (1 + erf(h/sqrt 2))
 *   pooled = x[CLS] or masked mean;  logits = pooled Wc^T + bc;  labelFeatures[i,k] = mean of x at label k's positions
 * </pre>
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
    private final BufferArena arena;
    private boolean freezeWordEmbeddings;
    private long generation;
    private EncoderProfile profile;

    public BertEncoderModel(BertParameters params, Pooling pooling) {
        if (params == null || pooling == null) {
            throw new IllegalArgumentException("BertEncoderModel needs parameters and a pooling");
        }
        this.params = params;
        this.pooling = pooling;
        this.cfg = params.config();
        this.dt = params.dataType();
        this.arena = new BufferArena(dt);
    }

    /** Attaches a profile that accumulates time per phase (null to detach). */
    public void setProfile(EncoderProfile profile) {
        this.profile = profile;
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

    private long tick() {
        return profile == null ? 0 : System.nanoTime();
    }

    private long tock(Phase p, long start) {
        return profile == null ? 0 : profile.add(p, start);
    }

    // ---------------------------------------------------------------------------------------------- parameters

    private INDArray param(String name) {
        return params.tensor(name);
    }

    private static INDArray grad(BertParameters p, INDArray gradFlat, String name) {
        return p.tensorIn(gradFlat, name);
    }

    /** The query, key and value weights as one [3d, d] view (they are contiguous in the flat layout). */
    private INDArray qkvWeight(INDArray flat, int layer) {
        int d = cfg.hiddenSize();
        long off = params.slot(layerName(layer, "attention.self.query.weight")).offset();
        return BertParameters.slice(flat, off, 3L * d * d).reshape('c', 3L * d, d);
    }

    /** Offset of the query, key and value biases (back to back, [3d]) in the flat layout. */
    private long qkvBiasOffset(int layer) {
        return params.slot(layerName(layer, "attention.self.query.bias")).offset();
    }

    private static String layerName(int layer, String suffix) {
        return "encoder.layer." + layer + "." + suffix;
    }

    // ---------------------------------------------------------------------------------------------- forward

    /**
     * Runs the encoder. With {@code training} and non-null {@code batch.dropoutSeeds()}, dropout is applied with masks
     * derived from the row seeds; otherwise no dropout.
     */
    public ForwardState forward(EncoderBatch batch, boolean training) {
        final int n = batch.size();
        final int t = batch.seqLength();
        final int nt = n * t;
        final int d = cfg.hiddenSize();
        final int heads = cfg.numAttentionHeads();
        final int dh = cfg.headSize();
        final int inter = cfg.intermediateSize();
        final boolean drop = training && batch.dropoutSeeds() != null;
        final double pHidden = drop ? cfg.hiddenDropout() : 0.0;
        final double pAttn = drop ? cfg.attentionDropout() : 0.0;
        final long[] seeds = batch.dropoutSeeds();
        final INDArray flat = params.flat();

        generation++;
        Activations a = new Activations();
        a.n = n;
        a.t = t;
        flattenInputs(batch, a);

        // Embeddings: gather + sum, LayerNorm, dropout.
        long t0 = tick();
        INDArray x0 = arena.get("emb.sum", nt, d);
        EmbeddingKernels.gatherSum(flat, params.slot(BertParameters.WORD_EMBEDDINGS).offset(),
                params.slot(BertParameters.POSITION_EMBEDDINGS).offset(),
                params.slot(BertParameters.TOKEN_TYPE_EMBEDDINGS).offset(), d, a.ids, a.positionIds, a.typeIds, x0);
        INDArray x = arena.get("L0.in", nt, d);
        a.embXhat = arena.get("emb.xhat", nt, d);
        a.embRstd = arena.get("emb.rstd", nt);
        layerNorm(x0, null, null, null, "embeddings.LayerNorm", a.embXhat, a.embRstd, x);
        if (pHidden > 0) {
            a.embMask = arena.get("emb.mask", nt, d);
            DropoutMasks.fillHidden(a.embMask, seeds, t, d, -1, DropoutMasks.SITE_EMBEDDINGS, pHidden);
            Ops.mul(x, a.embMask, x);
        }
        tock(Phase.EMBEDDINGS, t0);

        INDArray maskBias = attentionMaskBias(batch);
        double scale = 1.0 / Math.sqrt(dh);
        a.layers = new Activations.Layer[cfg.numHiddenLayers()];
        for (int l = 0; l < cfg.numHiddenLayers(); l++) {
            Activations.Layer la = new Activations.Layer();
            a.layers[l] = la;
            String p = "L" + l + ".";
            la.input = x;

            // Fused Q/K/V projection: [N, d] x [d, 3d].
            t0 = tick();
            INDArray qkv = arena.get("tmp.qkv", nt, 3L * d);
            Ops.gemm(x, qkvWeight(flat, l), qkv, false, true, 1.0, 0.0);
            t0 = tock(Phase.QKV_GEMM, t0);

            // Split heads: [n, T, 3, H, dh] -> three [n, H, T, dh] contiguous arrays.
            la.qh = arena.get(p + "qh", (long) n * heads, t, dh);
            la.kh = arena.get(p + "kh", (long) n * heads, t, dh);
            la.vh = arena.get(p + "vh", (long) n * heads, t, dh);
            // Bias added here; the 1/sqrt(dh) score scale is folded into the queries.
            FusedKernels.permuteHeads(qkv, new INDArray[]{la.qh, la.kh, la.vh}, n, t, heads, dh,
                    new double[]{scale, 1.0, 1.0}, false, flat, qkvBiasOffset(l));
            t0 = tock(Phase.HEAD_PERMUTE, t0);

            // Scores and probabilities.
            INDArray scores = arena.get(p + "probs", (long) n * heads, t, t);
            Ops.bmm(la.qh, la.kh, scores, false, true);
            t0 = tock(Phase.ATTENTION_MATMUL, t0);
            la.probs = scores.reshape('c', (long) n * heads * t, t);
            la.probsDropped = la.probs;
            if (pAttn > 0) {
                la.probsMask = arena.get(p + "probsMask", (long) n * heads * t, t);
                DropoutMasks.fillAttention(la.probsMask, seeds, heads, t, l, pAttn);
                la.probsDropped = arena.get(p + "probsDropped", (long) n * heads * t, t);
                t0 = tock(Phase.DROPOUT, t0);
            }
            FusedKernels.maskedSoftmax(la.probs, maskBias, heads, t, la.probsMask, la.probsDropped);
            INDArray probsUsed = la.probsDropped.reshape('c', (long) n * heads, t, t);
            t0 = tock(Phase.SOFTMAX, t0);
            INDArray ctxh = arena.get("tmp.ctxh", (long) n * heads, t, dh);
            Ops.bmm(probsUsed, la.vh.reshape('c', (long) n * heads, t, dh), ctxh, false, false);
            t0 = tock(Phase.ATTENTION_MATMUL, t0);
            la.context = arena.get(p + "ctx", nt, d);
            FusedKernels.permuteHeads(la.context, new INDArray[]{ctxh}, n, t, heads, dh, new double[]{1.0}, true, flat, -1);
            t0 = tock(Phase.HEAD_PERMUTE, t0);

            // Attention output projection, dropout, residual, LayerNorm.
            INDArray ao = arena.get("tmp.ao", nt, d);
            Ops.gemm(la.context, param(layerName(l, "attention.output.dense.weight")), ao, false, true, 1.0, 0.0);
            t0 = tock(Phase.ATTENTION_OUT_GEMM, t0);
            if (pHidden > 0) {
                la.mask1 = arena.get(p + "mask1", nt, d);
                DropoutMasks.fillHidden(la.mask1, seeds, t, d, l, DropoutMasks.SITE_ATTENTION_OUT, pHidden);
                t0 = tock(Phase.DROPOUT, t0);
            }
            la.xhat1 = arena.get(p + "xhat1", nt, d);
            la.rstd1 = arena.get(p + "rstd1", nt);
            la.x1 = arena.get(p + "x1", nt, d);
            layerNorm(ao, layerName(l, "attention.output.dense.bias"), la.mask1, x, layerName(l, "attention.output.LayerNorm"),
                    la.xhat1, la.rstd1, la.x1);
            t0 = tock(Phase.LAYERNORM, t0);

            // Feed-forward: GELU(x1 Wi^T + bi) Wo2^T + bo2. geluU = 2*GELU(h): the 1/2 goes into the next GEMM's alpha.
            la.h = arena.get(p + "h", nt, inter);
            Ops.gemm(la.x1, param(layerName(l, "intermediate.dense.weight")), la.h, false, true, 1.0, 0.0);
            t0 = tock(Phase.FFN_GEMM, t0);
            la.geluDeriv = arena.get(p + "geluDeriv", nt, inter);
            la.geluU = arena.get(p + "geluU", nt, inter);
            if (dt == DataType.FLOAT) {
                FusedKernels.geluForwardFloat(la.h, flat, params.slot(layerName(l, "intermediate.dense.bias")).offset(),
                        la.geluDeriv, la.geluU);
            } else {
                Ops.addRow(la.h, param(layerName(l, "intermediate.dense.bias")), la.h);
                Ops.scale(la.h, 1.0 / Math.sqrt(2.0), la.geluDeriv);
                Ops.erf(la.geluDeriv, la.geluDeriv);
                FusedKernels.geluEpilogue(la.h, la.geluDeriv, la.geluU);
            }
            t0 = tock(Phase.GELU, t0);
            INDArray fo = arena.get("tmp.fo", nt, d);
            Ops.gemm(la.geluU, param(layerName(l, "output.dense.weight")), fo, false, true, 0.5, 0.0);
            t0 = tock(Phase.FFN_GEMM, t0);
            if (pHidden > 0) {
                la.mask2 = arena.get(p + "mask2", nt, d);
                DropoutMasks.fillHidden(la.mask2, seeds, t, d, l, DropoutMasks.SITE_FFN_OUT, pHidden);
                t0 = tock(Phase.DROPOUT, t0);
            }
            la.xhat2 = arena.get(p + "xhat2", nt, d);
            la.rstd2 = arena.get(p + "rstd2", nt);
            la.output = arena.get("L" + (l + 1) + ".in", nt, d);
            layerNorm(fo, layerName(l, "output.dense.bias"), la.mask2, la.x1, layerName(l, "output.LayerNorm"), la.xhat2,
                    la.rstd2, la.output);
            tock(Phase.LAYERNORM, t0);
            x = la.output;
        }
        a.finalHidden = x;

        // Pooling, head, label features: small batched matmuls with weight matrices over positions.
        t0 = tick();
        INDArray hidden3 = x.reshape('c', n, t, d);
        a.poolMatrix = poolingMatrix(batch);
        INDArray pooled3 = Nd4j.create(dt, n, 1, d);
        Ops.bmm(a.poolMatrix, hidden3, pooled3, false, false);
        INDArray pooled = pooled3.reshape('c', n, d);
        a.pooled = pooled;
        INDArray logits = null;
        if (params.numLabels() > 0) {
            logits = Nd4j.create(dt, n, params.numLabels());
            Ops.gemm(pooled, param(BertParameters.CLASSIFIER_WEIGHT), logits, false, true, 1.0, 0.0);
            Ops.addRow(logits, param(BertParameters.CLASSIFIER_BIAS), logits);
        }
        INDArray labelFeatures = null;
        if (batch.labelPositions() != null) {
            a.labelMatrix = labelMatrix(batch);
            labelFeatures = Nd4j.create(dt, n, batch.numLabelFeatures(), d);
            Ops.bmm(a.labelMatrix, hidden3, labelFeatures, false, false);
        }
        tock(Phase.POOLING_HEAD, t0);
        return new ForwardState(this, batch, training, generation, pooled.dup(), logits, labelFeatures, a);
    }

    /** Validates ids and computes flat token, position and type ids. */
    private void flattenInputs(EncoderBatch b, Activations a) {
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

    /** [n, 1, T] weights: CLS = one-hot at position 0, MEAN = mask / count. */
    private INDArray poolingMatrix(EncoderBatch b) {
        int n = b.size();
        int t = b.seqLength();
        double[] w = new double[n * t];
        for (int i = 0; i < n; i++) {
            if (pooling == Pooling.CLS) {
                w[i * t] = 1.0;
            } else {
                int count = 0;
                for (int j = 0; j < t; j++) {
                    count += b.attentionMask()[i][j];
                }
                if (count == 0) {
                    throw new IllegalArgumentException("EncoderBatch row " + i + " has no tokens (attention mask all 0)");
                }
                for (int j = 0; j < t; j++) {
                    w[i * t + j] = b.attentionMask()[i][j] / (double) count;
                }
            }
        }
        return Nd4j.createFromArray(w).castTo(dt).reshape(n, 1, t);
    }

    /** [n, K, T] weights: 1/|positions of label k| at each of its positions. */
    private INDArray labelMatrix(EncoderBatch b) {
        int n = b.size();
        int t = b.seqLength();
        int k = b.numLabelFeatures();
        double[] w = new double[n * k * t];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                int[] pos = b.labelPositions()[i][j];
                for (int q : pos) {
                    w[(i * k + j) * t + q] += 1.0 / pos.length;
                }
            }
        }
        return Nd4j.createFromArray(w).castTo(dt).reshape(n, k, t);
    }

    /** out = LN(a * mask + residual) (mask, residual nullable) with the LayerNorm named prefix; saves xhat, rstd. */
    private void layerNorm(INDArray a, String denseBias, INDArray mask, INDArray residual, String prefix, INDArray xhat,
                           INDArray rstd, INDArray out) {
        FusedKernels.layerNormForward(a, denseBias == null ? -1 : params.slot(denseBias).offset(), mask, residual, params.flat(), params.slot(prefix + ".weight").offset(),
                params.slot(prefix + ".bias").offset(), cfg.layerNormEps(), xhat, rstd, out);
    }

    /** LayerNorm backward for the LayerNorm named prefix; see {@link FusedKernels#layerNormBackward}. */
    private void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, String prefix, INDArray g, INDArray mask,
                                   INDArray residualOut, INDArray dx, String denseBias) {
        FusedKernels.layerNormBackward(dy, xhat, rstd, params.flat(), params.slot(prefix + ".weight").offset(), g,
                params.slot(prefix + ".weight").offset(), params.slot(prefix + ".bias").offset(), mask, residualOut, dx,
                denseBias == null ? -1 : params.slot(denseBias).offset());
    }

    // ---------------------------------------------------------------------------------------------- backward

    /**
     * Back-propagates the given output gradients (any may be null) through the state's forward pass and ADDS the
     * parameter gradients into {@code gradFlat} (same layout and dtype as {@code parameters().flat()}).
     *
     * @param gradPooled        dLoss/dPooled [n, d]
     * @param gradLogits        dLoss/dLogits [n, K]
     * @param gradLabelFeatures dLoss/dLabelFeatures [n, K, d]
     */
    public void backward(ForwardState s, INDArray gradPooled, INDArray gradLogits, INDArray gradLabelFeatures,
                         INDArray gradFlat) {
        checkCurrent(s);
        Activations a = s.acts;
        final int n = a.n;
        final int t = a.t;
        final int nt = n * t;
        final int d = cfg.hiddenSize();
        final int heads = cfg.numAttentionHeads();
        final int dh = cfg.headSize();
        final int inter = cfg.intermediateSize();
        INDArray g = checkGradFlat(gradFlat);
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

        // Head and pooling -> dX [N, d] (gradient of the final hidden states).
        long t0 = tick();
        INDArray dPooled = arena.get("bw.dpooled", n, d);
        if (gradPooled != null) {
            dPooled.assign(gradPooled);
        } else {
            dPooled.assign(0.0);
        }
        if (gradLogits != null) {
            INDArray gl = gradLogits.dataType() == dt ? gradLogits : gradLogits.castTo(dt);
            Ops.gemm(gl, param(BertParameters.CLASSIFIER_WEIGHT), dPooled, false, false, 1.0, 1.0);
            Ops.gemm(gl, a.pooled, grad(params, g, BertParameters.CLASSIFIER_WEIGHT), true, false, 1.0, 1.0);
            biasGrad(gl, grad(params, g, BertParameters.CLASSIFIER_BIAS), "bw.onesHead");
        }
        INDArray dX = arena.get("bw.dx", nt, d);
        INDArray dX3 = dX.reshape('c', n, t, d);
        Ops.bmm(a.poolMatrix, dPooled.reshape('c', n, 1, d), dX3, true, false);
        if (gradLabelFeatures != null) {
            INDArray tmp = arena.get("bw.dxLabel", n, t, d);
            INDArray gf = gradLabelFeatures.dataType() == dt ? gradLabelFeatures : gradLabelFeatures.castTo(dt);
            Ops.bmm(a.labelMatrix, gf, tmp, true, false);
            Ops.add(dX3, tmp, dX3);
        }
        tock(Phase.BW_HEAD, t0);

        double scale = 1.0 / Math.sqrt(dh);
        for (int l = cfg.numHiddenLayers() - 1; l >= 0; l--) {
            Activations.Layer la = a.layers[l];
            // dX holds dLoss/d(layer output).
            t0 = tick();
            INDArray dFo = arena.get("bw.dfo", nt, d);
            INDArray dX1 = arena.get("bw.dx1", nt, d);
            // dX1 <- dLoss/d(x1) through the residual; dFo <- the same times the dropout mask.
            layerNormBackward(dX, la.xhat2, la.rstd2, layerName(l, "output.LayerNorm"), g, la.mask2, dX1, dFo,
                    layerName(l, "output.dense.bias"));
            t0 = tock(Phase.BW_LAYERNORM, t0);
            // FFN output projection (alpha 1/2, see forward).
            INDArray dGelu = arena.get("bw.dh", nt, inter);
            Ops.gemm(dFo, la.geluU, grad(params, g, layerName(l, "output.dense.weight")), true, false, 0.5, 1.0);
            Ops.gemm(dFo, param(layerName(l, "output.dense.weight")), dGelu, false, false, 0.5, 0.0);
            t0 = tock(Phase.BW_FFN_GEMM, t0);
            // dGelu holds dLoss/d(geluU); geluDeriv = geluU' = (1 + erf(h/sqrt2)) + h * sqrt(2/pi) * exp(-h^2/2).
            FusedKernels.geluBackward(la.geluDeriv, dGelu, g, params.slot(layerName(l, "intermediate.dense.bias")).offset());
            t0 = tock(Phase.BW_GELU, t0);
            Ops.gemm(dGelu, la.x1, grad(params, g, layerName(l, "intermediate.dense.weight")), true, false, 1.0, 1.0);
            Ops.gemm(dGelu, param(layerName(l, "intermediate.dense.weight")), dX1, false, false, 1.0, 1.0);
            t0 = tock(Phase.BW_FFN_GEMM, t0);

            // Attention LayerNorm.
            INDArray dAo = arena.get("bw.dao", nt, d);
            // dX <- dLoss/d(layer input) through the residual; dAo <- the same times the dropout mask.
            layerNormBackward(dX1, la.xhat1, la.rstd1, layerName(l, "attention.output.LayerNorm"), g, la.mask1, dX, dAo,
                    layerName(l, "attention.output.dense.bias"));
            t0 = tock(Phase.BW_LAYERNORM, t0);
            INDArray dCtx = arena.get("bw.dctx", nt, d);
            Ops.gemm(dAo, la.context, grad(params, g, layerName(l, "attention.output.dense.weight")), true, false, 1.0, 1.0);
            Ops.gemm(dAo, param(layerName(l, "attention.output.dense.weight")), dCtx, false, false, 1.0, 0.0);
            t0 = tock(Phase.BW_ATTENTION_OUT_GEMM, t0);

            // Attention core.
            long nh = (long) n * heads;
            INDArray dCtxH3 = arena.get("bw.dctxh", nh, t, dh);
            FusedKernels.permuteHeads(dCtx, new INDArray[]{dCtxH3}, n, t, heads, dh, new double[]{1.0}, false, g, -1);
            t0 = tock(Phase.BW_HEAD_PERMUTE, t0);
            INDArray probsUsed = la.probsDropped.reshape('c', nh, t, t);
            INDArray dVh = arena.get("bw.dvh", nh, t, dh);
            INDArray dP = arena.get("bw.dp", nh, t, t);
            Ops.bmm(probsUsed, dCtxH3, dVh, true, false);
            Ops.bmm(dCtxH3, la.vh, dP, false, true);
            t0 = tock(Phase.BW_ATTENTION_MATMUL, t0);
            // Dropout and softmax: dS = P * (dP' - sum_k P dP') with dP' = dP * mask.
            FusedKernels.softmaxBackward(la.probs, la.probsMask, dP.reshape('c', nh * t, t));
            t0 = tock(Phase.BW_SOFTMAX, t0);
            INDArray dQh = arena.get("bw.dqh", nh, t, dh);
            INDArray dKh = arena.get("bw.dkh", nh, t, dh);
            Ops.bmm(dP, la.kh, dQh, false, false);     // w.r.t. the scaled queries
            Ops.bmm(dP, la.qh, dKh, true, false);      // qh is already scaled
            t0 = tock(Phase.BW_ATTENTION_MATMUL, t0);
            INDArray dQkv = arena.get("bw.dqkv", nt, 3L * d);
            FusedKernels.permuteHeads(dQkv, new INDArray[]{dQh, dKh, dVh}, n, t, heads, dh,
                    new double[]{scale, 1.0, 1.0}, true, g, qkvBiasOffset(l));
            t0 = tock(Phase.BW_HEAD_PERMUTE, t0);
            Ops.gemm(dQkv, la.input, qkvWeight(g, l), true, false, 1.0, 1.0);
            Ops.gemm(dQkv, qkvWeight(params.flat(), l), dX, false, false, 1.0, 1.0);
            tock(Phase.BW_QKV_GEMM, t0);
        }

        // Embeddings: dropout, LayerNorm, scatter-add into the tables.
        t0 = tick();
        if (a.embMask != null) {
            Ops.mul(dX, a.embMask, dX);
        }
        INDArray dX0 = arena.get("bw.dx0", nt, d);
        layerNormBackward(dX, a.embXhat, a.embRstd, "embeddings.LayerNorm", g, null, null, dX0, null);
        if (!freezeWordEmbeddings) {
            EmbeddingKernels.scatterAdd(g, params.slot(BertParameters.WORD_EMBEDDINGS).offset(), d, a.ids, dX0);
        }
        EmbeddingKernels.scatterAdd(g, params.slot(BertParameters.POSITION_EMBEDDINGS).offset(), d, a.positionIds, dX0);
        EmbeddingKernels.scatterAdd(g, params.slot(BertParameters.TOKEN_TYPE_EMBEDDINGS).offset(), d, a.typeIds, dX0);
        tock(Phase.BW_EMBEDDINGS, t0);
    }

    /** db += column sums of dy (a GEMV with a ones row). */
    private void biasGrad(INDArray dy, INDArray dBias, String onesName) {
        long rows = dy.size(0);
        Ops.gemm(ones(onesName, rows), dy, dBias.reshape(1, dBias.length()), false, false, 1.0, 1.0);
    }

    private INDArray ones(String name, long rows) {
        INDArray o = arena.get(name, 1, rows);
        // Buffers are reused across shapes: refill when the prefix is not all ones (cheap: one pass over N).
        if (o.getDouble(0, rows - 1) != 1.0 || o.getDouble(0, 0) != 1.0) {
            o.assign(1.0);
        }
        return o;
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
