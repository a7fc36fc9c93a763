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

    /** The spec our engine loads it with on {@code engine} at fp32, at the documents' length. */
    ModelSpec spec(BenchEngine engine) {
        return spec(EnginePrecision.fp32(engine));
    }

    /** The spec our engine loads it with on an engine and precision, at the documents' length. */
    ModelSpec spec(EnginePrecision variant) {
        return EngineSeam.modelSpec(variant, checkpoint, BenchInputs.DOC_TOKENS);
    }
}
