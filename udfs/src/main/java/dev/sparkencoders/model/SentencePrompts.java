package dev.sparkencoders.model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The instruction prefixes an embedding model was trained with (E5's {@code "query: "} and {@code "passage: "},
 * BGE's retrieval instruction), by name, as sentence-transformers keeps them in {@value #FILE}: {@code prompts}
 * and {@code default_prompt_name}. A prompt is prepended to the text before tokenization.
 *
 * <pre>{@code
 * SentencePrompts prompts = SentencePrompts.read(dir);
 * String text = prompts.prefix("query") + "how do I reset my card pin";
 * }</pre>
 */
public record SentencePrompts(Map<String, String> prompts, String defaultName) {

    /** The sentence-transformers file holding the prompts. */
    public static final String FILE = "config_sentence_transformers.json";
    /** The prompt name meaning "no prefix", whatever the model's default. */
    public static final String NONE = "none";
    public static final SentencePrompts EMPTY = new SentencePrompts(Map.of(), null);

    public SentencePrompts {
        prompts = Collections.unmodifiableMap(new LinkedHashMap<>(prompts));
        if (prompts.containsKey(NONE)) {
            throw new CheckpointException("Cannot use a prompt named '" + NONE + "': the name means no prompt"
                    + " (rename it)");
        }
        if (defaultName != null && !prompts.containsKey(defaultName)) {
            throw new CheckpointException("Cannot use default prompt '" + defaultName + "': there is no prompt of"
                    + " that name (prompts: " + prompts.keySet() + ")");
        }
    }

    /**
     * The prefix of the prompt {@code name}; a null name takes the default prompt (none when the model has no
     * default), {@value #NONE} takes no prefix.
     */
    public String prefix(String name) {
        String wanted = name == null ? defaultName : name;
        if (wanted == null || wanted.equals(NONE)) {
            return "";
        }
        String prefix = prompts.get(wanted);
        if (prefix == null) {
            throw new IllegalArgumentException("Cannot use prompt '" + wanted + "': the model declares "
                    + (prompts.isEmpty() ? "no prompts" : "only " + new TreeSet<>(prompts.keySet())) + " in " + FILE
                    + " (name one of those or " + NONE + ", or record prompts at import with model.query-prefix)");
        }
        return prefix;
    }

    /** Reads {@value #FILE} of a checkpoint directory, or returns {@link #EMPTY} when it has none. */
    public static SentencePrompts read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return EMPTY;
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            Map<String, String> prompts = new LinkedHashMap<>();
            if (json.has("prompts") && json.get("prompts").isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("prompts").entrySet()) {
                    prompts.put(e.getKey(), e.getValue().getAsString());
                }
            }
            JsonElement name = json.get("default_prompt_name");
            return new SentencePrompts(prompts, name == null || name.isJsonNull() ? null : name.getAsString());
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Cannot read " + file + ": " + CheckpointException.firstLine(e)
                    + " (expected sentence-transformers' {\"prompts\": {name: prefix}, \"default_prompt_name\": ...})",
                    e);
        }
    }

    /** Writes {@value #FILE} into {@code dir} with these prompts. */
    public void write(Path dir) throws IOException {
        JsonObject json = new JsonObject();
        JsonObject map = new JsonObject();
        prompts.forEach(map::addProperty);
        json.add("prompts", map);
        json.addProperty("default_prompt_name", defaultName);
        String text = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create()
                .toJson(json) + "\n";
        Files.writeString(dir.resolve(FILE), text, StandardCharsets.UTF_8);
    }
}
