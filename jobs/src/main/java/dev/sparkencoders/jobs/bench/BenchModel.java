package dev.sparkencoders.jobs.bench;

import dev.sparkencoders.model.ModelConfig;
import dev.sparkencoders.runtime.ModelSpec;

import java.nio.file.Path;
import java.util.List;

/**
 * A model under test: its name in the report, its checkpoint (null: the bundled all-MiniLM-L6-v2), its
 * configuration and the short sentences it runs.
 */
record BenchModel(String name, Path checkpoint, ModelConfig config, List<String> shortTexts) {

    /** The spec our engine loads it with on {@code engine}, at the documents' length. */
    ModelSpec spec(BenchEngine engine) {
        return EngineSeam.modelSpec(engine, checkpoint, BenchInputs.DOC_TOKENS);
    }
}
