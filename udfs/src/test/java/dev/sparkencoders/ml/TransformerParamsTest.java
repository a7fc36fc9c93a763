package dev.sparkencoders.ml;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Params are checked when they are set and schemas before any work is distributed, each failure one sentence in
 * the project's shape naming the allowed values; no Spark session or model is needed for either.
 */
class TransformerParamsTest {

    private static final StructType TEXTS = new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType);

    @Test
    void anUnknownPoolingModeFailsWhereItIsSet() {
        assertFails("Cannot set pooling to 'median': unknown value (use cls, mean or max)",
                () -> new TextEmbedder().setPooling("median"));
        assertFails("Cannot set pooling to 'median': unknown value (use cls, mean or max)",
                () -> new PairScorer().setPooling("median"));
        assertEquals("MEAN", new TextEmbedder().setPooling("MEAN").getPooling(), "case is ignored");
    }

    @Test
    void aBudgetBelowOneFailsWhereItIsSet() {
        assertFails("Cannot set maxBatchTokens to -5: it is below 1 (use an integer of at least 1)",
                () -> new TextEmbedder().setMaxBatchTokens(-5));
        assertFails("Cannot set maxBatchTokens to 0: it is below 1 (use an integer of at least 1)",
                () -> new TextClassifier().setMaxBatchTokens(0));
        assertFails("Cannot set maxBatchRows to 0: it is below 1 (use an integer of at least 1)",
                () -> new EntityTagger().setMaxBatchRows(0));
        assertFails("Cannot set windowStride to -1: it is below 0 (use an integer of at least 0)",
                () -> new TextEmbedder().setWindowStride(-1));
        assertEquals(512, new TextEmbedder().setMaxBatchTokens(512).getMaxBatchTokens());
    }

    @Test
    void anUnknownTruncationStrategyFailsWhereItIsSet() {
        assertFails("Cannot set truncation to 'middle': unknown value (use head, tail or head-tail)",
                () -> new TextEmbedder().setTruncation("middle"));
        new TextEmbedder().setTruncation("head_tail").setTruncation("HEAD-TAIL").setTruncation("tail");
    }

    @Test
    void otherChoicesNameTheirValues() {
        assertFails("Cannot set errorMode to 'skip': unknown value (use permissive or fail)",
                () -> new TextEmbedder().setErrorMode("skip"));
        assertFails("Cannot set outputType to 'matrix': unknown value (use array or vector)",
                () -> new TextEmbedder().setOutputType("matrix"));
        assertFails("Cannot set mode to 'bm25': unknown value (use nsp, cross-encoder, cosine or auto)",
                () -> new PairScorer().setMode("bm25"));
        assertFails("Cannot set aggregation to 'longest': unknown value (use simple, first, average or max)",
                () -> new EntityTagger().setAggregation("longest"));
        assertFails("Cannot set threshold to 1.5: it is not a probability (use a number from 0 to 1)",
                () -> new TextClassifier().setThreshold(1.5));
        assertFails("Cannot set outputCol to '': a column name cannot be empty (use a non-empty name)",
                () -> new TextEmbedder().setOutputCol(""));
        new PairScorer().setMode("cross_encoder");
    }

    @Test
    void theInputColumnMustExistAndBeAString() {
        assertFails("Cannot read inputCol 'body': the input has no such column (its columns are [id, text]; set"
                + " inputCol to one of them)", () -> new TextEmbedder().setInputCol("body").transformSchema(TEXTS));
        assertFails("Cannot read inputCol 'id' as text: its type is bigint, not string (cast it to string or set"
                + " inputCol to a string column)", () -> new TextEmbedder().setInputCol("id").transformSchema(TEXTS));
        assertFails("Cannot read textBCol 'text_b': the input has no such column (its columns are [id, text]; set"
                + " textBCol to one of them)", () -> new PairScorer().setTextACol("text").transformSchema(TEXTS));
    }

    @Test
    void outputColumnsMustBeFree() {
        assertFails("Cannot write outputCol 'id': a column of that name exists already (set outputCol to a new name)",
                () -> new TextEmbedder().setOutputCol("id").transformSchema(TEXTS));
        assertFails("Cannot write errorCol 'label': a column of that name exists already (set errorCol to a new"
                + " name)", () -> new TextClassifier().setErrorCol("label").transformSchema(TEXTS));
    }

    @Test
    void transformSchemaAppendsTheResultColumnsThenTheErrorColumn() {
        StructType vectors = new TextEmbedder().setOutputCol("features").transformSchema(TEXTS);
        assertEquals(List.of("id", "text", "features", "error"), List.of(vectors.fieldNames()));
        assertEquals(new VectorUDT(), vectors.apply("features").dataType());

        StructType arrays = new TextEmbedder().setOutputType("array").setErrorMode("fail").transformSchema(TEXTS);
        assertEquals(List.of("id", "text", "embedding"), List.of(arrays.fieldNames()), "no error column in fail mode");
        assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), arrays.apply("embedding").dataType());

        StructType classified = new TextClassifier().setLabelCol("sentiment").setErrorCol("problem").transformSchema(TEXTS);
        assertEquals(List.of("id", "text", "sentiment", "labels", "scores", "problem"), List.of(classified.fieldNames()));
        assertEquals(DataTypes.createMapType(DataTypes.StringType, DataTypes.FloatType, false),
                classified.apply("scores").dataType());

        StructType tagged = new EntityTagger().transformSchema(TEXTS);
        assertEquals("array<struct<label:string,start:int,end:int,score:float,word:string>>",
                tagged.apply("entities").dataType().simpleString());

        StructType pairs = new StructType().add("a", DataTypes.StringType).add("b", DataTypes.StringType);
        StructType scored = new PairScorer().setTextACol("a").setTextBCol("b").transformSchema(pairs);
        assertEquals(List.of("a", "b", "score", "error"), List.of(scored.fieldNames()));
        assertEquals(DataTypes.FloatType, scored.apply("score").dataType());
    }

    @Test
    void unsetModelSettingsMeanTheCheckpointsOwn() {
        TextEmbedder embedder = new TextEmbedder();
        assertNull(embedder.getPooling());
        assertNull(embedder.getNormalize());
        assertNull(embedder.getMaxLength());
        assertNull(embedder.getWindowStride());
        assertNull(embedder.modelSpec().path(), "an empty modelPath is the bundled model");
        assertNull(embedder.modelSpec().pooling());

        TextEmbedder copy = embedder.setPooling("cls").setNormalize(true).setWindowStride(64).copy(ParamMap.empty());
        assertEquals("cls", copy.getPooling());
        assertEquals(Boolean.TRUE, copy.modelSpec().normalize());
        assertEquals(64, copy.getWindowStride());
        copy.clear(copy.windowStride());
        assertNull(copy.getWindowStride(), "cleared: long texts are truncated again");
    }

    private static void assertFails(String message, Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertEquals(message, e.getMessage());
    }
}
