package io.sparkcl.job.report;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link Charts#line} draws, looked up in the rendered pixels: with the legend hidden, everything but the
 * series (background, axes, grid, text) is grey, so a coloured pixel is the series.
 */
class ChartsTest {

    @Test
    void aSeriesOfOnePointIsDrawnAsAMarker() {
        // e.g. curves.png of a run evaluated once: one dev point, one test point
        XYChart chart = Charts.lines("accuracy", "step", "accuracy");
        chart.getStyler().setLegendVisible(false);
        Charts.line(chart, "dev", new double[]{12}, new double[]{0.75});
        BufferedImage image = Charts.grid(List.of(chart), 1);
        assertTrue(hasColouredPixel(image), "the single point is not drawn");
    }

    @Test
    void aSeriesOfSeveralPointsIsALineWithoutMarkers() {
        XYChart chart = Charts.lines("loss", "step", "loss");
        Charts.line(chart, "ce", new double[]{1, 2, 3}, new double[]{1.0, Double.NaN, 0.5});
        Charts.grid(List.of(chart), 1);
        XYSeries s = chart.getSeriesMap().get("ce");
        assertTrue(s.getMarker() == SeriesMarkers.NONE, "markers on a line series");
        assertTrue(s.getXData().length == 2, "the NaN point is left out");
    }

    private static boolean hasColouredPixel(BufferedImage image) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                Color c = new Color(image.getRGB(x, y));
                int spread = Math.max(c.getRed(), Math.max(c.getGreen(), c.getBlue()))
                        - Math.min(c.getRed(), Math.min(c.getGreen(), c.getBlue()));
                if (spread > 100) {
                    return true;
                }
            }
        }
        return false;
    }
}
