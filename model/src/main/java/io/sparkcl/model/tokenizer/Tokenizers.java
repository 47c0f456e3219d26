package io.sparkcl.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.model.encoder.ModelLoadException;
import io.sparkcl.model.registry.ModelArtifacts;
import io.sparkcl.model.registry.ShippedModel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds {@link TextTokenizer}s from a {@link TokenizerSpec}:
 * <ul>
 *   <li>a registry name ({@code tiny-random} and {@code all-minilm-l6-v2} use MiniLM's tokenizer.json,
 *       {@code bge-small-en-v1.5} and {@code e5-small-v2} their own);</li>
 *   <li>a folder (or file) with {@code tokenizer.json}: HuggingFace tokenizers through DJL
 *       ({@link HuggingFaceJsonTokenizer}; WordPiece, byte-level BPE, …);</li>
 *   <li>a folder (or file) with {@code vocab.txt} only: this project's {@link WordPieceTokenizer}, with
 *       {@code do_lower_case}, {@code strip_accents} and {@code tokenize_chinese_chars} from
 *       {@code tokenizer_config.json} when present (defaults: lower-case, strip accents, CJK on).</li>
 * </ul>
 * {@link #load} returns one shared instance per JVM and source (cheap to call again, e.g. once per Spark
 * partition); shared instances are thread-safe and their {@code close()} does nothing. {@link #open} returns
 * a new instance owned by the caller.
 */
public final class Tokenizers {

    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String VOCAB_TXT = "vocab.txt";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, TextTokenizer> SHARED = new ConcurrentHashMap<>();

    private Tokenizers() {
    }

    /** The JVM-wide shared tokenizer for {@code spec} (built on first use). */
    public static TextTokenizer load(TokenizerSpec spec) {
        Resolved r = resolve(spec);
        return SHARED.computeIfAbsent(r.cacheKey(), k -> new SharedTokenizer(build(r)));
    }

    /** A new tokenizer owned by the caller (close it to free native memory). */
    public static TextTokenizer open(TokenizerSpec spec) {
        return build(resolve(spec));
    }

    /** Which file {@code spec} resolves to, e.g. "tokenizer.json at /models/x/tokenizer.json". */
    public static String describe(TokenizerSpec spec) {
        Resolved r = resolve(spec);
        return r.kind() + " at " + r.location();
    }

    /**
     * Copies the tokenizer's files into {@code dir} (tokenizer.json, or vocab.txt and tokenizer_config.json),
     * so that {@code new TokenizerSpec(dir)} builds the same tokenizer. Returns the written files.
     */
    public static List<Path> copyFiles(TokenizerSpec spec, Path dir) throws IOException {
        Resolved r = resolve(spec);
        List<Path> written = new ArrayList<>();
        Path main = dir.resolve(r.kind());
        Files.write(main, r.content().read());
        written.add(main);
        if (r.tokenizerConfig() != null) {
            Path cfg = dir.resolve(TOKENIZER_CONFIG);
            Files.copy(r.tokenizerConfig(), cfg, StandardCopyOption.REPLACE_EXISTING);
            written.add(cfg);
        }
        return written;
    }

    @FunctionalInterface
    private interface BytesSource {
        byte[] read() throws IOException;
    }

    /** A resolved tokenizer source: kind is the file name (tokenizer.json or vocab.txt). */
    private record Resolved(String kind, String location, BytesSource content, Path tokenizerConfig, String cacheKey) {
    }

    private static Resolved resolve(TokenizerSpec spec) {
        String name = spec == null || spec.modelName() == null || spec.modelName().isBlank()
                ? ShippedModel.DEFAULT_MODEL : spec.modelName().trim();
        Optional<ShippedModel> shipped = ShippedModel.tokenizerOf(name);
        if (shipped.isPresent()) {
            ShippedModel m = shipped.get();
            return new Resolved(TOKENIZER_JSON, m.coordinates() + "!/" + m.tokenizerResource(),
                    () -> ModelArtifacts.readAllBytes(m, m.tokenizerResource()), null, "registry:" + m.modelName());
        }
        Path path = Paths.get(name).toAbsolutePath().normalize();
        if (Files.isRegularFile(path)) {
            String file = path.getFileName().toString();
            String kind = file.endsWith(".txt") ? VOCAB_TXT : TOKENIZER_JSON;
            Path cfg = path.resolveSibling(TOKENIZER_CONFIG);
            return fileSource(kind, path, kind.equals(VOCAB_TXT) && Files.isRegularFile(cfg) ? cfg : null);
        }
        if (Files.isDirectory(path)) {
            Path json = path.resolve(TOKENIZER_JSON);
            if (Files.isRegularFile(json)) {
                return fileSource(TOKENIZER_JSON, json, null);
            }
            Path vocab = path.resolve(VOCAB_TXT);
            if (Files.isRegularFile(vocab)) {
                Path cfg = path.resolve(TOKENIZER_CONFIG);
                return fileSource(VOCAB_TXT, vocab, Files.isRegularFile(cfg) ? cfg : null);
            }
            throw new ModelLoadException("No tokenizer in " + path + ": expected " + TOKENIZER_JSON + " or " + VOCAB_TXT);
        }
        throw new ModelLoadException("Unknown tokenizer '" + name + "': not one of " + ShippedModel.registryNames()
                + " and not an existing folder or file");
    }

    private static Resolved fileSource(String kind, Path file, Path cfg) {
        long modified;
        try {
            modified = Files.getLastModifiedTime(file).toMillis() + (cfg == null ? 0 : 31 * Files.getLastModifiedTime(cfg).toMillis());
        } catch (IOException e) {
            modified = 0;
        }
        return new Resolved(kind, file.toString(), () -> Files.readAllBytes(file), cfg,
                "file:" + file + "@" + modified);
    }

    private static TextTokenizer build(Resolved r) {
        try {
            byte[] bytes = r.content().read();
            if (r.kind().equals(TOKENIZER_JSON)) {
                return HuggingFaceJsonTokenizer.fromJson(bytes, r.location());
            }
            return wordPiece(bytes, r.tokenizerConfig(), r.location());
        } catch (IOException e) {
            throw new ModelLoadException("Cannot build tokenizer from " + r.location() + ": " + e.getMessage(), e);
        }
    }

    private static WordPieceTokenizer wordPiece(byte[] vocab, Path tokenizerConfig, String source) throws IOException {
        boolean lowercase = true;
        Boolean stripAccents = null;
        boolean chinese = true;
        String unk = "[UNK]";
        if (tokenizerConfig != null) {
            JsonNode cfg;
            try {
                cfg = JSON.readTree(tokenizerConfig.toFile());
            } catch (IOException e) {
                throw new IOException("Cannot parse " + tokenizerConfig + ": " + e.getMessage(), e);
            }
            lowercase = cfg.path("do_lower_case").asBoolean(true);
            JsonNode sa = cfg.path("strip_accents");
            if (sa.isBoolean()) {
                stripAccents = sa.asBoolean();
            }
            chinese = cfg.path("tokenize_chinese_chars").asBoolean(true);
            JsonNode u = cfg.path("unk_token");
            if (u.isTextual()) {
                unk = u.asText();
            } else if (u.path("content").isTextual()) {
                unk = u.path("content").asText();
            }
        }
        WordPieceVocabulary v = WordPieceVocabulary.read(new ByteArrayInputStream(vocab), unk, source);
        return new WordPieceTokenizer(v, lowercase, stripAccents == null ? lowercase : stripAccents, chinese, source);
    }

    /** Wraps a JVM-wide instance: close() must not free what other users still hold. */
    private static final class SharedTokenizer implements TextTokenizer {
        private final TextTokenizer delegate;

        SharedTokenizer(TextTokenizer delegate) {
            this.delegate = delegate;
        }

        @Override
        public Encoding encode(String text, String textPair, int maxLength) {
            return delegate.encode(text, textPair, maxLength);
        }

        @Override
        public List<Encoding> encodeBatch(List<String> texts, List<String> textPairs, int maxLength) {
            return delegate.encodeBatch(texts, textPairs, maxLength);
        }

        @Override
        public Encoding encodeWithLabels(List<String> labelNames, String text, String textPair, int maxLength) {
            return delegate.encodeWithLabels(labelNames, text, textPair, maxLength);
        }

        @Override
        public int padTokenId() {
            return delegate.padTokenId();
        }

        @Override
        public int vocabSize() {
            return delegate.vocabSize();
        }

        @Override
        public void close() {
            // shared for the JVM's lifetime
        }

        @Override
        public String toString() {
            return "shared " + delegate;
        }
    }
}
