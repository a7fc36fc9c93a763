package dev.sparkencoders.jobs.evaluate;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The PNG charts of the evaluate and pretrain-data jobs, drawn with XChart on a headless Java2D surface (no display needed): scores per
 * method as bars, a confusion-matrix heat map, predicted similarity against the gold score, and a histogram.
 *
 * <pre>{@code
 * byte[] png = Charts.scores("BANKING77", List.of("embedding", "tf-idf"), List.of(0.9, 0.8), List.of(0.9, 0.8));
 * }</pre>
 */
public final class Charts {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final Color[] SERIES = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C)};

    private Charts() {}

    /** Accuracy and macro-F1 per method, side by side, on a 0..1 axis with the values printed on the bars. */
    static byte[] scores(String title, List<String> methods, List<Double> accuracy, List<Double> macroF1) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("method").yAxisTitle("score on the test split").build();
        var styler = chart.getStyler();
        styler.setYAxisMin(0.0).setYAxisMax(1.0);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setLabelsVisible(true).setLabelsFontColorAutomaticEnabled(false).setLabelsFontColor(Color.BLACK);
        styler.setLabelsPosition(0.9).setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setYAxisDecimalPattern("0.000");
        styler.setSeriesColors(SERIES).setChartBackgroundColor(Color.WHITE);
        styler.setAvailableSpaceFill(0.7);
        chart.addSeries("accuracy", methods, accuracy);
        chart.addSeries("macro-F1", methods, macroF1);
        return png(chart);
    }

    /**
     * A confusion matrix as a heat map: gold labels down, predictions across, each cell the share of the gold
     * label's rows (so the diagonal is per-label recall), in percent. Sized so that 77 labels stay legible.
     */
    static byte[] confusionMatrix(String title, List<String> labels, double[][] rowShares) {
        int n = labels.size();
        int cell = n > 40 ? 16 : n > 15 ? 28 : 48;
        int margin = 60 + 7 * labels.stream().mapToInt(String::length).max().orElse(10);
        int side = Math.max(600, n * cell + margin + 180);
        HeatMapChart chart = new HeatMapChartBuilder().width(side + 120).height(side).title(title)
                .xAxisTitle("predicted label").yAxisTitle("gold label").build();
        var styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE);
        // Evenly spaced stops: a 10-20% confusion is already a clear orange, the diagonal dark red.
        styler.setRangeColors(new Color[] {new Color(0xFFFFFF), new Color(0xFDBB84), new Color(0xFC8D59),
                new Color(0xEF6548), new Color(0xD7301F), new Color(0xB30000), new Color(0x7F0000)});
        styler.setMin(0).setMax(100);
        styler.setShowValue(n <= 30).setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        styler.setHeatMapValueDecimalPattern("0");
        styler.setDrawBorder(false);
        styler.setXAxisLabelRotation(90);
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, n > 40 ? 10 : 12));
        styler.setPlotGridLinesVisible(false);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setGradientColorColumnHeight(Math.min(400, side / 2));
        List<String> xs = new ArrayList<>(labels);
        List<String> ys = new ArrayList<>(labels);
        List<Number[]> cells = new ArrayList<>();
        for (int gold = 0; gold < n; gold++) {
            for (int predicted = 0; predicted < n; predicted++) {
                // XChart draws y index 0 at the bottom; the first label goes at the top, as in a printed matrix.
                cells.add(new Number[] {predicted, n - 1 - gold, 100 * rowShares[gold][predicted]});
            }
        }
        java.util.Collections.reverse(ys);
        chart.addSeries("% of gold label", xs, ys, cells);
        return png(chart);
    }

    /** Bars per category for each series (name -> one value per category), on a 0..1 axis with values printed. */
    public static byte[] bars(String title, String xTitle, String yTitle, List<String> categories,
                              java.util.Map<String, List<Double>> series) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(560).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        var styler = chart.getStyler();
        styler.setYAxisMin(0.0).setYAxisMax(1.0).setYAxisDecimalPattern("0.00");
        styler.setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setLabelsVisible(categories.size() <= 12).setLabelsFontColorAutomaticEnabled(false)
                .setLabelsFontColor(Color.BLACK).setLabelsPosition(0.9)
                .setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setSeriesColors(SERIES).setChartBackgroundColor(Color.WHITE);
        styler.setAvailableSpaceFill(0.7);
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        return png(chart);
    }

    /**
     * A histogram of counts per integer value ({@code counts[v]} items of value {@code v}), in bins of
     * {@code binWidth} values, labelled by their first value.
     */
    public static byte[] histogram(String title, String xTitle, String yTitle, long[] counts, int binWidth) {
        List<String> bins = new ArrayList<>();
        List<Long> heights = new ArrayList<>();
        for (int start = 0; start < Math.max(1, counts.length); start += binWidth) {
            long sum = 0;
            for (int v = start; v < Math.min(counts.length, start + binWidth); v++) {
                sum += counts[v];
            }
            bins.add(Integer.toString(start));
            heights.add(sum);
        }
        CategoryChart chart = new CategoryChartBuilder().width(900).height(560).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        var styler = chart.getStyler();
        styler.setLegendVisible(false).setChartBackgroundColor(Color.WHITE).setSeriesColors(SERIES);
        styler.setAvailableSpaceFill(0.95).setXAxisLabelRotation(bins.size() > 24 ? 90 : 0);
        chart.addSeries("instances", bins, heights);
        return png(chart);
    }

    /** Predicted similarity (y) against the gold score (x), one point per pair. */
    static byte[] scatter(String title, String xTitle, String yTitle, double[] x, double[] y) {
        XYChart chart = new XYChartBuilder().width(900).height(700).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        var styler = chart.getStyler();
        styler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        styler.setChartBackgroundColor(Color.WHITE).setLegendVisible(false).setMarkerSize(5);
        styler.setSeriesColors(new Color[] {new Color(31, 119, 180, 110)});
        chart.addSeries("pairs", x, y).setMarker(SeriesMarkers.CIRCLE);
        return png(chart);
    }

    private static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
