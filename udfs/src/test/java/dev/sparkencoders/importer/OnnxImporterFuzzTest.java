package dev.sparkencoders.importer;

import dev.sparkencoders.model.FuzzHarness;
import dev.sparkencoders.model.Mutations;
import dev.sparkencoders.model.Pooling;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes the ONNX reader ({@link ProtoReader}, {@link OnnxGraph}) and the mapping to BERT parameters
 * ({@link OnnxImporter#convert}) on mutants of small synthetic BERT exports: protobuf fields changed deep in the
 * tree with every enclosing length kept right (dimensions, data types, names, op types, raw data, attributes),
 * fields deleted, duplicated, renumbered or lying about their length, then bit flips, truncations and random bytes.
 * Every mutant converts, or fails with a {@link CheckpointException}. See RELIABILITY.md.
 */
@Tag("fuzz")
class OnnxImporterFuzzTest {

    static final Map<String, Map<Integer, String>> SCHEMA = Map.of(
            "ModelProto", Map.of(7, "GraphProto"),
            "GraphProto", Map.of(1, "NodeProto", 5, "TensorProto"),
            "NodeProto", Map.of(5, "AttributeProto"),
            "AttributeProto", Map.of(5, "TensorProto"));

    static final List<String> OP_TYPES = List.of("MatMul", "Add", "Gemm", "Reshape", "Concat", "Constant", "Unsqueeze",
            "Squeeze", "Cast", "Identity", "Tanh", "Erf", "Gelu", "FastGelu", "BiasGelu", "Relu", "LayerNormalization",
            "Sqrt", "ReduceMean", "Gather", "");

    /** A valid export, its parsed tree and the options it imports with. */
    record Seed(String name, byte[] bytes, ProtoTree tree, OnnxImportOptions options) {}

    static FuzzHarness harness;
    static List<Seed> seeds;
    static List<byte[]> strings;

    @BeforeContainer
    static void seeds() {
        harness = new FuzzHarness("onnx");
        seeds = List.of(
                seed("plain", OnnxFixtures.TinyBert.plain(), OnnxImportOptions.defaults()),
                seed("bert-prefix-gamma-beta-tanh-pooler-layernorm-nodes",
                        new OnnxFixtures.TinyBert("bert.", true, true, true, true, false, true, null, false, false),
                        new OnnxImportOptions(OnnxFixtures.HEADS, Pooling.MEAN, true, OnnxFixtures.P)),
                seed("gemm-pooler",
                        new OnnxFixtures.TinyBert("", false, false, true, true, true, false, null, false, false),
                        OnnxImportOptions.defaults()),
                seed("heads-from-options",
                        new OnnxFixtures.TinyBert("", false, false, false, false, false, false, null, false, false),
                        new OnnxImportOptions(OnnxFixtures.HEADS, Pooling.CLS, false, null)));
        strings = new ArrayList<>();
        seeds.forEach(s -> strings.addAll(s.tree().strings(64)));
        OP_TYPES.forEach(op -> strings.add(op.getBytes(StandardCharsets.UTF_8)));
    }

    @AfterContainer
    static void cleanUp() {
        harness.close();
    }

    static Seed seed(String name, OnnxFixtures.TinyBert spec, OnnxImportOptions options) {
        byte[] bytes = OnnxFixtures.tinyBert(spec, OnnxFixtures.newExpected());
        return new Seed(name, bytes, ProtoTree.parse(bytes, "ModelProto", SCHEMA), options);
    }

    @Example
    void seedsConvert() {
        for (Seed seed : seeds) {
            assertEquals(FuzzHarness.Outcome.PARSED, check(new Mutant(seed.name(), seed.bytes(), seed.options())),
                    seed.name());
        }
    }

    @Property
    void everyMutantConvertsOrIsRefused(@ForAll("mutants") Mutant mutant) {
        check(mutant);
    }

    /** A mutated export and the options of its seed. */
    record Mutant(String description, byte[] bytes, OnnxImportOptions options) {
        FuzzHarness.Input input() {
            return new FuzzHarness.Input(description + "; options " + options, Map.of("model.onnx", bytes));
        }

        @Override
        public String toString() {
            return input().toString();
        }
    }

    private static FuzzHarness.Outcome check(Mutant mutant) {
        return harness.check(mutant.input(), () -> OnnxImporter.convert(mutant.bytes(), mutant.options()));
    }

    @Provide
    Arbitrary<Mutant> mutants() {
        return Arbitraries.randomValue(OnnxImporterFuzzTest::mutant);
    }

    static Mutant mutant(Random random) {
        Seed seed = Mutations.pick(random, seeds);
        if (random.nextInt(30) == 0) {
            Mutations.Result noise = Mutations.randomBytes(random);
            return new Mutant(noise.description(), noise.bytes(), seed.options());
        }
        ProtoTree tree = seed.tree().copy();
        List<String> done = new ArrayList<>();
        done.add(seed.name());
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            done.add(tree.mutate(random, strings));
        }
        byte[] bytes = tree.serialize();
        if (random.nextInt(5) == 0) {
            Mutations.Result r = Mutations.randomChain(bytes, random, 3);
            bytes = r.bytes();
            done.add(r.description());
        }
        return new Mutant(String.join("; ", done), bytes, seed.options());
    }
}
