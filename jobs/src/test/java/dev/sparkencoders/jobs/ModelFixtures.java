package dev.sparkencoders.jobs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Hostile files for model directories: what a loader must never run. */
final class ModelFixtures {

    private ModelFixtures() {}

    /**
     * A pickle (protocol 0) that runs {@code touch <marker>} when Python unpickles it, as {@code torch.load} does
     * with a {@code pytorch_model.bin}: {@code os.system} found by name, called with one argument.
     */
    static byte[] pickleTouching(Path marker) {
        return ("cos\nsystem\n(S'touch " + marker + "'\ntR.").getBytes(StandardCharsets.UTF_8);
    }

    /** transformers' remote code for {@code auto_map}: creates {@code marker} when imported. */
    static String modelingCodeTouching(Path marker) {
        return "import pathlib\npathlib.Path(" + pythonString(marker) + ").touch()\n\n"
                + "class XModel:\n    pass\n";
    }

    private static String pythonString(Path path) {
        return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
