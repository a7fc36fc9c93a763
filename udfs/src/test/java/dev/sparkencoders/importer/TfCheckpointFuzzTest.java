package dev.sparkencoders.importer;

import dev.sparkencoders.model.Folders;
import dev.sparkencoders.model.FuzzHarness;
import dev.sparkencoders.model.Mutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes the TensorFlow checkpoint import ({@link TfBundleIndex} and {@link TfCheckpointImporter}) end to end on
 * mutants of a tiny BERT SavedModel folder: index entries whose {@code BundleEntryProto} fields (shape, offset,
 * size, checksum, dtype, shard) are changed and the table rewritten with valid block checksums, so the mutation
 * reaches the reader; keys renamed, reordered, dropped or copied; SSTable lengths and restart counts that lie; then
 * bit flips and truncations of the index, the data file and the vocabulary. Every mutant imports or fails with a
 * {@link CheckpointException} and leaves no output behind. See RELIABILITY.md.
 */
@Tag("fuzz")
class TfCheckpointFuzzTest {

    static final String INDEX = "variables/variables.index";
    static final String DATA = "variables/variables.data-00000-of-00001";
    static final String VOCAB = "assets/vocab.txt";
    /** Marks a mutation of the key order, which the table writer must keep. */
    static final String UNSORTED = "unsorted: ";

    static final Map<String, Map<Integer, String>> SCHEMA = Map.of(
            "BundleEntryProto", Map.of(2, "TensorShapeProto", 7, "TensorSliceProto"),
            "TensorShapeProto", Map.of(2, "Dim"),
            "BundleHeaderProto", Map.of(3, "VersionDef"));

    static Path work;
    static Path model;
    static FuzzHarness harness;
    static Map<String, byte[]> entries;
    static byte[] data;
    static byte[] vocab;
    static List<byte[]> strings;
    /** The arrays last written to each file of the model folder. */
    static final Map<String, byte[]> written = new java.util.HashMap<>();

    @BeforeContainer
    static void seed() throws IOException {
        work = Files.createTempDirectory("tf-fuzz");
        harness = new FuzzHarness("tf-checkpoint");
        TfCheckpointImporterTest.TinyBert tiny = new TfCheckpointImporterTest.TinyBert();
        Path seed = tiny.writeSavedModel(Files.createTempDirectory("tf-seed"), s -> s);
        entries = tiny.entries();
        data = Files.readAllBytes(seed.resolve(DATA));
        vocab = Files.readAllBytes(seed.resolve(VOCAB));
        Folders.deleteTree(seed);
        model = work.resolve("model");
        strings = new ArrayList<>();
        entries.keySet().forEach(k -> strings.add(k.getBytes(StandardCharsets.UTF_8)));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        harness.close();
        Folders.deleteTree(work);
    }

    @Example
    void seedImports() throws IOException {
        assertEquals(FuzzHarness.Outcome.PARSED, check(input("seed", TfCheckpointImporterTest.SsTableWriter.table(
                entries, (k, v) -> v, -1, -1, -1), data, vocab)));
    }

    @Property
    void everyMutantImportsOrIsRefused(@ForAll("mutants") FuzzHarness.Input input) throws IOException {
        check(input);
    }

    /**
     * Writes the SavedModel folder (only the files that differ from the last input's: most inputs share the
     * 300 KB data file), imports it, and checks that a refused import left nothing behind.
     */
    private static FuzzHarness.Outcome check(FuzzHarness.Input input) throws IOException {
        for (Map.Entry<String, byte[]> file : input.files().entrySet()) {
            if (written.get(file.getKey()) != file.getValue()) {
                Files.createDirectories(model.resolve(file.getKey()).getParent());
                Files.write(model.resolve(file.getKey()), file.getValue());
                written.put(file.getKey(), file.getValue());
            }
        }
        Path out = work.resolve("out");
        FuzzHarness.Outcome outcome = harness.check(input, () -> TfCheckpointImporter.importModel(model, out));
        if (outcome == FuzzHarness.Outcome.PARSED) {
            Folders.deleteTree(out);
        }
        try (Stream<Path> left = Files.list(work)) {
            assertEquals(List.of(model), left.toList(), "nothing but the source is left after " + input);
        }
        return outcome;
    }

    @Provide
    Arbitrary<FuzzHarness.Input> mutants() {
        return Arbitraries.randomValue(TfCheckpointFuzzTest::mutant);
    }

    static FuzzHarness.Input mutant(Random random) {
        List<String> done = new ArrayList<>();
        Map<String, byte[]> index = new LinkedHashMap<>(entries);
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            done.add(mutateEntries(index, random));
        }
        if (done.stream().noneMatch(d -> d.startsWith(UNSORTED))) { // a table holds its keys sorted
            index = new java.util.TreeMap<>(index);
        }
        long lieIndexSize = -1;
        long lieValueLength = -1;
        long lieRestarts = -1;
        switch (random.nextInt(12)) {
            case 0 -> done.add("index block size " + (lieIndexSize = Math.abs(Mutations.interestingLong(random, 600))));
            case 1 -> done.add("first value length " + (lieValueLength = Math.abs(Mutations.interestingLong(random, 40))));
            case 2 -> done.add("restart count " + (lieRestarts = Math.abs(Mutations.interestingLong(random, 1)) & 0xffff_ffffL));
            default -> { }
        }
        byte[] table = TfCheckpointImporterTest.SsTableWriter.table(index, (k, v) -> v, lieIndexSize, lieValueLength,
                lieRestarts);
        byte[] dataFile = data;
        byte[] vocabFile = vocab;
        switch (random.nextInt(8)) {
            case 0 -> {
                Mutations.Result r = Mutations.randomChain(table, random, 2);
                table = r.bytes();
                done.add(r.description() + " in the index");
            }
            case 1 -> {
                Mutations.Result r = Mutations.random(dataFile, random);
                dataFile = r.bytes();
                done.add(r.description() + " in the data");
            }
            case 2 -> {
                Mutations.Result r = Mutations.random(vocabFile, random);
                vocabFile = r.bytes();
                done.add(r.description() + " in the vocabulary");
            }
            default -> { }
        }
        return input(String.join("; ", done), table, dataFile, vocabFile);
    }

    /** Changes one index entry's value or key, or drops, copies or reorders entries. */
    static String mutateEntries(Map<String, byte[]> index, Random random) {
        List<String> keys = new ArrayList<>(index.keySet());
        String key = Mutations.pick(random, keys);
        switch (random.nextInt(10)) {
            case 0 -> {
                index.remove(key);
                return "drop '" + key + "'";
            }
            case 1 -> {
                String copy = Mutations.pick(random, List.of("module/" + key, key + "/adam_v",
                        "bert/encoder/layer_" + random.nextInt(100_000) + "/output/dense/bias", key + "x"));
                index.put(copy, index.get(key));
                return "copy '" + key + "' as '" + copy + "'";
            }
            case 2 -> {
                byte[] renamed = Mutations.random(key.getBytes(StandardCharsets.UTF_8), random).bytes();
                replaceKey(index, key, new String(renamed, StandardCharsets.UTF_8));
                return "rename '" + key + "'";
            }
            case 3 -> {
                String other = Mutations.pick(random, keys);
                byte[] value = index.get(key);
                index.put(key, index.get(other));
                index.put(other, value);
                return "swap the values of '" + key + "' and '" + other + "'";
            }
            case 4 -> {
                Map<String, byte[]> reversed = new LinkedHashMap<>();
                for (int i = keys.size() - 1; i >= 0; i--) {
                    reversed.put(keys.get(i), index.get(keys.get(i)));
                }
                index.clear();
                index.putAll(reversed);
                return UNSORTED + "reverse the key order";
            }
            default -> {
                ProtoTree entry = ProtoTree.tryParse(index.get(key),
                        key.isEmpty() ? "BundleHeaderProto" : "BundleEntryProto", SCHEMA);
                if (entry == null) { // broken by an earlier mutation of this input
                    Mutations.Result r = Mutations.random(index.get(key), random);
                    index.put(key, r.bytes());
                    return r.description() + " in the value of '" + key + "'";
                }
                String what = entry.mutate(random, strings);
                index.put(key, entry.serialize());
                return what + " of '" + key + "'";
            }
        }
    }

    /** Renames a key in place, keeping the order of the others. */
    private static void replaceKey(Map<String, byte[]> index, String key, String renamed) {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        index.forEach((k, v) -> copy.put(k.equals(key) ? renamed : k, v));
        index.clear();
        index.putAll(copy);
    }

    static FuzzHarness.Input input(String description, byte[] index, byte[] data, byte[] vocab) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(INDEX, index);
        files.put(DATA, data);
        files.put(VOCAB, vocab);
        return new FuzzHarness.Input(description, files);
    }

}
