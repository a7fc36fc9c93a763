package dev.sparkencoders.jobs.evaluate;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evaluate job's metrics against hand-computed values, and its charts as valid PNG images, without Spark. */
public class ChartsAndMetricsTest {

    @Test
    void macroF1AveragesPerLabelF1OverGoldAndPredictedLabels() {
        // gold a: 3 rows (2 -> a, 1 -> b); gold b: 1 row (-> b); gold c: 1 row (-> a); nothing predicted as c.
        ClassificationMetrics m = ClassificationMetrics.of(List.of(new ClassificationMetrics.Cell("a", "a", 2),
                new ClassificationMetrics.Cell("a", "b", 1), new ClassificationMetrics.Cell("b", "b", 1),
                new ClassificationMetrics.Cell("c", "a", 1)));
        assertEquals(List.of("a", "b", "c"), m.labels());
        assertEquals(5, m.total());
        assertEquals(3 / 5.0, m.accuracy(), 1e-12);
        double f1a = 2 * (2 / 3.0) * (2 / 3.0) / (4 / 3.0); // precision 2/3, recall 2/3
        double f1b = 2 * 0.5 * 1.0 / 1.5;                   // precision 1/2, recall 1
        assertEquals((f1a + f1b + 0) / 3, m.macroF1(), 1e-12);
        assertArrayEquals(new double[] {2 / 3.0, 1 / 3.0, 0}, m.rowNormalized()[0], 1e-12);
    }

    @Test
    void chartsAreValidPngImages() throws IOException {
        Random random = new Random(7);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 77; i++) {
            labels.add("intent_label_number_" + i);
        }
        double[][] shares = new double[77][77];
        for (int i = 0; i < 77; i++) {
            shares[i][i] = 0.7 + 0.3 * random.nextDouble();
            shares[i][random.nextInt(77)] += 1 - shares[i][i];
        }
        double[] x = new double[500];
        double[] y = new double[500];
        for (int i = 0; i < x.length; i++) {
            x[i] = 5 * random.nextDouble();
            y[i] = Math.min(1, x[i] / 5 + 0.2 * random.nextGaussian());
        }
        Path dir = Path.of("target", "chart-samples");
        Files.createDirectories(dir);
        byte[][] charts = {
                Charts.scores("scores", List.of("embedding", "tf-idf", "word2vec"), List.of(0.9, 0.8, 0.6),
                        List.of(0.89, 0.79, 0.55)),
                Charts.confusionMatrix("confusion", labels, shares),
                Charts.scatter("scatter", "gold", "cosine", x, y)};
        for (int i = 0; i < charts.length; i++) {
            Files.write(dir.resolve("chart-" + i + ".png"), charts[i]);
            assertPng(charts[i]);
        }
    }

    /** PNG signature, decodable by ImageIO, non-empty. */
    public static BufferedImage assertPng(byte[] bytes) throws IOException {
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        assertTrue(bytes.length > signature.length);
        for (int i = 0; i < signature.length; i++) {
            assertEquals(signature[i], bytes[i], "PNG signature byte " + i);
        }
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertTrue(image != null && image.getWidth() > 0 && image.getHeight() > 0, "ImageIO decodes the PNG");
        return image;
    }
}
