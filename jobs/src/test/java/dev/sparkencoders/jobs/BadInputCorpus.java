package dev.sparkencoders.jobs;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * The inputs of {@link BadInputJobTest}: named cases of text that real corpora hold, written as a text file (one
 * line per case, plus {@link LocalClusterEmbedTest#nastyLines()}) and as a Parquet file (one row per case, with an
 * id and columns of other types).
 *
 * <p>A Parquet string column can hold what a text line cannot: nulls, line breaks, and bytes that are not UTF-8,
 * such as unpaired surrogates encoded the way Java's modified UTF-8 and Python's {@code surrogatepass} write them
 * ({@code ED A0 80} is U+D800 alone). The Parquet file is written with the text as bytes cast to string, which
 * Spark stores unchecked, so the file holds exactly these bytes.
 */
final class BadInputCorpus {

    /** One input text: {@code bytes} as stored in the file, null for a null string. */
    record Case(String id, String name, byte[] bytes) {

        /** The string Spark reads: invalid UTF-8 becomes U+FFFD the way Java's decoder replaces it. */
        String text() {
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    static final int MEGABYTE = 1 << 20;
    static final int LONG_WORD_CHARS = 100_000;

    private BadInputCorpus() {}

    /** Cases a line of a text file can hold (no line breaks, never null). */
    static List<Case> lineCases() {
        List<Case> cases = new ArrayList<>(List.of(
                utf8("empty", ""),
                utf8("spaces only", "     "),
                utf8("tabs and ideographic spaces only", "\t \u3000\t\u3000"),
                utf8("1 MB document", document(MEGABYTE)),
                utf8("100,000-character word", word(LONG_WORD_CHARS)),
                utf8("control characters inside text", "nul\u0000bell\u0007escape\u001B[31mred\u001B[0m del\u007F c1\u0085\u009B end"),
                utf8("control characters only", "\u0000\u0001\u0002\u0003\u001F\u007F"),
                raw("invalid UTF-8 inside text", concat(bytes("lone continuation "), new byte[] {(byte) 0x80},
                        bytes(" bad lead "), new byte[] {(byte) 0xC3, 0x28}, bytes(" cut "), new byte[] {(byte) 0xE2, (byte) 0x82})),
                raw("invalid UTF-8 only", new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xC0, (byte) 0xAF}),
                raw("surrogate bytes in a text file", concat(bytes("high "), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        bytes(" low "), new byte[] {(byte) 0xED, (byte) 0xB0, (byte) 0x80})),
                utf8("emoji with skin tones, flags and ZWJ sequences",
                        "\uD83D\uDC4D\uD83C\uDFFD \uD83C\uDDEF\uD83C\uDDF5 \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 \uD83E\uDD2F"),
                utf8("CJK", "\u4ECA\u65E5\u306F\u826F\u3044\u5929\u6C17\u3067\u3059\u3002\u6211\u559C\u6B22\u732B\u3002\uD55C\uAD6D\uC5B4"),
                utf8("right-to-left with direction overrides",
                        "\u202E\u0645\u0631\u062D\u0628\u0627\u202C \u05E9\u05DC\u05D5\u05DD \u200Fmixed\u200E"),
                utf8("500 combining marks on one letter", "e" + "\u0301\u0308".repeat(250) + " done"),
                utf8("special tokens only", "[CLS] [SEP] [MASK]"),
                utf8("[PAD] only", "[PAD]"),
                utf8("300 [PAD] tokens", "[PAD] ".repeat(300).trim()),
                utf8("[MASK] only", "[MASK]"),
                utf8("RoBERTa special tokens", "<s></s><pad><mask><unk>")));
        for (int i = 0; i < cases.size(); i++) {
            cases.set(i, new Case("line-" + i, cases.get(i).name(), cases.get(i).bytes()));
        }
        return cases;
    }

    /** Cases for the Parquet file: every line case, a null, line breaks and unpaired surrogates. */
    static List<Case> parquetCases() {
        List<Case> cases = new ArrayList<>(List.of(
                new Case(null, "null", null),
                utf8("line breaks only", "\n\r\n\n"),
                utf8("text across lines", "the cat sat\non the mat\r\nwith the [MASK]"),
                raw("unpaired high surrogate", concat(bytes("high "), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, bytes(" alone"))),
                raw("unpaired low surrogate", concat(new byte[] {(byte) 0xED, (byte) 0xB0, (byte) 0x80}, bytes("low first"))),
                raw("surrogates in reverse order", new byte[] {(byte) 0xED, (byte) 0xB0, (byte) 0x80, (byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                raw("surrogate pair as CESU-8", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0xBD, (byte) 0xED, (byte) 0xB8, (byte) 0x80}),
                utf8("ordinary sentence", "the quick brown fox jumps over the lazy dog")));
        cases.addAll(lineCases());
        for (int i = 0; i < cases.size(); i++) {
            cases.set(i, new Case(String.format("row-%02d", i), cases.get(i).name(), cases.get(i).bytes()));
        }
        return cases;
    }

    /** The text file: {@link #lineCases()}, then the 100 lines of {@link LocalClusterEmbedTest#nastyLines()}. */
    static List<Case> writeTextFile(Path file) throws IOException {
        List<Case> lines = new ArrayList<>(lineCases());
        List<byte[]> nasty = LocalClusterEmbedTest.nastyLines();
        for (int i = 0; i < nasty.size(); i++) {
            lines.add(new Case("nasty-" + i, "LocalClusterEmbedTest line " + i, nasty.get(i)));
        }
        LocalClusterEmbedTest.writeLines(file, lines.stream().map(Case::bytes).toList());
        return lines;
    }

    /**
     * The Parquet file: {@code id}, {@code text} (the case's bytes, unchecked), and columns of other types for the
     * refusal checks: {@code n int}, {@code score double}, {@code blob binary}, {@code tags array<string>},
     * {@code meta struct<source string>}.
     */
    static List<Case> writeParquetFile(Path dir) {
        List<Case> cases = parquetCases();
        StructType schema = new StructType().add("id", DataTypes.StringType).add("bytes", DataTypes.BinaryType)
                .add("n", DataTypes.IntegerType).add("score", DataTypes.DoubleType).add("blob", DataTypes.BinaryType)
                .add("tags", DataTypes.createArrayType(DataTypes.StringType))
                .add("meta", new StructType().add("source", DataTypes.StringType));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            rows.add(RowFactory.create(c.id(), c.bytes(), i, i / 2.0, new byte[] {(byte) i}, List.of("t" + i),
                    RowFactory.create("case " + i)));
        }
        JobRunner.withSpark(spark -> {
            spark.createDataFrame(rows, schema).coalesce(1)
                    .select(col("id"), col("bytes").cast("string").as("text"), col("n"), col("score"), col("blob"),
                            col("tags"), col("meta"))
                    .write().parquet(dir.toString());
            return null;
        });
        return cases;
    }

    /** About {@code chars} characters of English sentences. */
    static String document(int chars) {
        StringBuilder text = new StringBuilder(chars + 64);
        for (int i = 0; text.length() < chars; i++) {
            text.append("The quick brown fox jumps over the lazy dog in the park on day ").append(i).append(". ");
        }
        text.setLength(chars);
        return text.toString();
    }

    /** One word of letters, no spaces or punctuation. */
    static String word(int chars) {
        StringBuilder word = new StringBuilder(chars);
        while (word.length() < chars) {
            word.append("supercalifragilisticexpialidocious");
        }
        word.setLength(chars);
        return word.toString();
    }

    private static Case utf8(String name, String text) {
        return new Case(null, name, bytes(text));
    }

    private static Case raw(String name, byte[] bytes) {
        return new Case(null, name, bytes);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        return LocalClusterEmbedTest.concat(parts);
    }
}
