package io.sparkcl.bench.libtorch;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.BertBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.nn.Parameter;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The libtorch yardstick of SparkCL's {@code bench encoder}: a training step (forward, backward, AdamW) and a forward of
 * the MiniLM shape (6 layers, hidden 384, 12 heads, FFN 1536, vocabulary 30522) on one batch of 32 rows x 64 random
 * token ids, with DJL's BERT block on PyTorch's CPU engine, random N(0, 0.02) weights and a 2-class cross-entropy head
 * on the pooled output. Prints the medians of {@code --steps} rounds after one warm-up round.
 *
 * <p>Usage: {@code java -cp ... LibtorchEncoderBench [--steps 5] [--batch 32] [--length 64]}.
 */
public final class LibtorchEncoderBench {
    private static final int VOCAB = 30522;
    private static final int HIDDEN = 384;
    private static final int LAYERS = 6;
    private static final int HEADS = 12;
    private static final int FFN = 1536;
    private static final int LABELS = 2;

    private LibtorchEncoderBench() {
    }

    public static void main(String[] args) {
        int steps = 5;
        int batch = 32;
        int length = 64;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--steps" -> steps = v;
                case "--batch" -> batch = v;
                case "--length" -> length = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --steps, --batch, --length)");
            }
        }
        // Natives come from the pytorch-native-cpu and pytorch-jni jars on the classpath: never download.
        System.setProperty("ai.djl.offline", "true");
        Engine engine = Engine.getEngine("PyTorch");
        System.out.println("engine: " + engine.getEngineName() + " " + engine.getVersion()
                + " (DJL " + Engine.getDjlVersion() + "), threads: " + System.getenv().getOrDefault("OMP_NUM_THREADS",
                "default"));
        System.out.printf(Locale.ROOT, "shape: %d layers, hidden %d, %d heads, FFN %d, vocab %d; batch %d x %d%n",
                LAYERS, HIDDEN, HEADS, FFN, VOCAB, batch, length);

        final int len = length;
        BertBlock bert = BertBlock.builder()
                .setTokenDictionarySize(VOCAB)
                .optTypeDictionarySize(2)
                .optEmbeddingSize(HIDDEN)
                .optTransformerBlockCount(LAYERS)
                .optAttentionHeadCount(HEADS)
                .optHiddenSize(FFN)
                .optHiddenDropoutProbability(0.1f)
                .optMaxSequenceLength(len)   // DJL adds the whole position table: it must equal the length
                .build();
        SequentialBlock net = new SequentialBlock()
                .add(bert)
                .add(new LambdaBlock(out -> new NDList(out.get(1))))   // the pooled [CLS] output
                .add(Linear.builder().setUnits(LABELS).build());

        try (Model model = Model.newInstance("minilm-shape", Device.cpu(), "PyTorch")) {
            model.setBlock(net);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT)
                    .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-4f))
                            .optWeightDecays(0.01f).build())
                    .optDevices(new Device[]{Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                Shape in = new Shape(batch, length);
                trainer.initialize(in, in, in);
                NDManager root = trainer.getManager();
                Random random = new Random(42);
                int[] ids = new int[batch * length];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = 1000 + random.nextInt(VOCAB - 1000);
                }
                int[] labels = new int[batch];
                for (int i = 0; i < batch; i++) {
                    labels[i] = random.nextInt(LABELS);
                }
                double[] stepSeconds = new double[steps];
                double[] forwardSeconds = new double[steps];
                for (int round = -1; round < steps; round++) {
                    try (NDManager m = root.newSubManager()) {
                        NDList inputs = inputs(m, ids, batch, length);
                        NDArray y = m.create(labels).toType(DataType.INT64, false);
                        long t0 = System.nanoTime();
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList predictions = trainer.forward(inputs);
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
                            gc.backward(loss);
                        }
                        trainer.step();
                        long t1 = System.nanoTime();
                        NDList out = net.forward(new ParameterStore(m, false), inputs(m, ids, batch, length), false);
                        out.singletonOrThrow().toFloatArray();   // wait for the result
                        long t2 = System.nanoTime();
                        if (round >= 0) {
                            stepSeconds[round] = (t1 - t0) / 1e9;
                            forwardSeconds[round] = (t2 - t1) / 1e9;
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "libtorch train step rounds (s): %s%n", Arrays.toString(stepSeconds));
                System.out.printf(Locale.ROOT, "libtorch forward rounds (s): %s%n", Arrays.toString(forwardSeconds));
                System.out.printf(Locale.ROOT, "libtorch_forward_seconds: %.3f%n", median(forwardSeconds));
                System.out.printf(Locale.ROOT, "libtorch_train_step_seconds: %.3f%n", median(stepSeconds));
            }
        }
    }

    private static NDList inputs(NDManager m, int[] ids, int batch, int length) {
        NDArray tokens = m.create(ids, new Shape(batch, length)).toType(DataType.INT64, false);
        NDArray types = m.zeros(new Shape(batch, length), DataType.INT64);
        NDArray mask = m.ones(new Shape(batch, length), DataType.INT64);
        return new NDList(tokens, types, mask);
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
