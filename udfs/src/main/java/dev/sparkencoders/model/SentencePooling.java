package dev.sparkencoders.model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sentence-embedding recipe a checkpoint declares through sentence-transformers files
 * ({@value #MODULES}, {@value #POOLING_DIR}{@code /config.json}, {@value #SBERT_CONFIG}), read and written here.
 * Checkpoints without them get mean pooling, no normalisation and the model's position limit.
 *
 * <pre>{@code
 * SentencePooling recipe = SentencePooling.read(dir);
 * new SentencePooling(Pooling.MEAN, true, 256).write(dir, 384); // as all-MiniLM-L6-v2 declares it
 * }</pre>
 */
public record SentencePooling(Pooling pooling, boolean normalize, Integer maxSeqLength) {

    public static final SentencePooling DEFAULT = new SentencePooling(Pooling.MEAN, false, null);

    /** The list of sentence-transformers modules. */
    public static final String MODULES = "modules.json";
    /** The folder of the pooling module, holding its {@code config.json}. */
    static final String POOLING_DIR = "1_Pooling";
    /** The folder of the normalisation module (empty). */
    static final String NORMALIZE_DIR = "2_Normalize";
    /** The sentence-transformers settings, with {@code max_seq_length}. */
    public static final String SBERT_CONFIG = "sentence_bert_config.json";

    /**
     * The pooling module's configuration files, relative to the checkpoint directory, as the given {@value #MODULES}
     * names them (e.g. {@code 1_Pooling/config.json}): the files {@link #read} reads besides {@value #MODULES} and
     * {@value #SBERT_CONFIG}.
     */
    public static List<String> moduleFiles(Path modules) {
        List<String> files = new ArrayList<>();
        for (JsonElement module : parse(modules).getAsJsonArray()) {
            JsonObject m = module.getAsJsonObject();
            if (m.get("type").getAsString().endsWith(".Pooling")) {
                files.add(m.get("path").getAsString() + "/" + Checkpoint.CONFIG);
            }
        }
        return files;
    }

    /** Reads the sentence-transformers files of a checkpoint directory, or returns {@link #DEFAULT}. */
    public static SentencePooling read(Path dir) {
        Pooling pooling = DEFAULT.pooling();
        boolean normalize = false;
        Integer maxSeqLength = null;
        Path modules = dir.resolve(MODULES);
        if (Files.isRegularFile(modules)) {
            for (JsonElement module : parse(modules).getAsJsonArray()) {
                if (module.getAsJsonObject().get("type").getAsString().endsWith(".Normalize")) {
                    normalize = true;
                }
            }
            for (String file : moduleFiles(modules)) {
                Path config = dir.resolve(file);
                if (Files.isRegularFile(config)) {
                    pooling = poolingOf(parse(config).getAsJsonObject(), config);
                }
            }
        }
        Path sbert = dir.resolve(SBERT_CONFIG);
        if (Files.isRegularFile(sbert)) {
            JsonObject o = parse(sbert).getAsJsonObject();
            if (o.has("max_seq_length") && !o.get("max_seq_length").isJsonNull()) {
                maxSeqLength = o.get("max_seq_length").getAsInt();
            }
        }
        return new SentencePooling(pooling, normalize, maxSeqLength);
    }

    /**
     * Writes the sentence-transformers files that {@link #read} reads back as this recipe: a Transformer module,
     * a Pooling module over {@code wordEmbeddingDimension}-wide token vectors and, when normalising, a Normalize
     * module. {@code maxSeqLength} must be set.
     */
    public void write(Path dir, int wordEmbeddingDimension) throws IOException {
        JsonArray modules = new JsonArray();
        modules.add(module(0, "", "sentence_transformers.models.Transformer"));
        modules.add(module(1, POOLING_DIR, "sentence_transformers.models.Pooling"));
        if (normalize) {
            modules.add(module(2, NORMALIZE_DIR, "sentence_transformers.models.Normalize"));
            Files.createDirectory(dir.resolve(NORMALIZE_DIR));
        }
        writeJson(dir.resolve(MODULES), modules);
        JsonObject config = new JsonObject();
        config.addProperty("word_embedding_dimension", wordEmbeddingDimension);
        config.addProperty("pooling_mode_cls_token", pooling == Pooling.CLS);
        config.addProperty("pooling_mode_mean_tokens", pooling == Pooling.MEAN);
        config.addProperty("pooling_mode_max_tokens", pooling == Pooling.MAX);
        config.addProperty("pooling_mode_mean_sqrt_len_tokens", false);
        config.addProperty("pooling_mode_weightedmean_tokens", false);
        config.addProperty("pooling_mode_lasttoken", false);
        config.addProperty("include_prompt", true);
        Files.createDirectory(dir.resolve(POOLING_DIR));
        writeJson(dir.resolve(POOLING_DIR).resolve(Checkpoint.CONFIG), config);
        JsonObject sbert = new JsonObject();
        sbert.addProperty("max_seq_length", maxSeqLength);
        sbert.addProperty("do_lower_case", false);
        writeJson(dir.resolve(SBERT_CONFIG), sbert);
    }

    private static JsonObject module(int idx, String path, String type) {
        JsonObject m = new JsonObject();
        m.addProperty("idx", idx);
        m.addProperty("name", String.valueOf(idx));
        m.addProperty("path", path);
        m.addProperty("type", type);
        return m;
    }

    private static void writeJson(Path file, JsonElement json) throws IOException {
        String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json) + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static Pooling poolingOf(JsonObject o, Path where) {
        if (flag(o, "pooling_mode_cls_token")) {
            return Pooling.CLS;
        }
        if (flag(o, "pooling_mode_max_tokens")) {
            return Pooling.MAX;
        }
        if (flag(o, "pooling_mode_mean_tokens")) {
            return Pooling.MEAN;
        }
        throw new CheckpointException("Cannot read " + where + ": it enables none of the supported pooling modes"
                + " (pooling_mode_cls_token, pooling_mode_mean_tokens, pooling_mode_max_tokens)");
    }

    private static boolean flag(JsonObject o, String key) {
        return o.has(key) && o.get(key).getAsBoolean();
    }

    private static JsonElement parse(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Cannot read " + file + ": " + CheckpointException.firstLine(e), e);
        }
    }
}
