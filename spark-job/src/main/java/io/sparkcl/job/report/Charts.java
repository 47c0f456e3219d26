package io.sparkcl.job.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;

/**
 * XChart charts in one house style, and PNG files of one or more charts side by side on any Hadoop path.
 * Rendering is headless (no display needed); text is drawn with the system's fonts (through fontconfig).
 */
public final class Charts {
    private static final Logger LOG = LoggerFactory.getLogger(Charts.class);
    public static final int PANEL_WIDTH = 600;
    public static final int PANEL_HEIGHT = 420;
    /** Marker size (pixels) of a line series that has a single point. */
    static final int SINGLE_POINT_MARKER = 8;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /** A line chart (lines without markers). */
    public static XYChart lines(String title, String xTitle, String yTitle) {
        XYChart c = base(title, xTitle, yTitle);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setMarkerSize(0);
        c.getStyler().setYAxisDecimalPattern("0.###");
        return c;
    }

    /** A scatter chart with small markers. */
    public static XYChart scatter(String title, String xTitle, String yTitle) {
        XYChart c = base(title, xTitle, yTitle);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(5);
        return c;
    }

    private static XYChart base(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        org.knowm.xchart.style.XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendBackgroundColor(new Color(255, 255, 255, 200));
        s.setPlotGridLinesColor(new Color(220, 220, 220));
        return c;
    }

    /**
     * Adds a line series without markers; NaN points are left out. A series of one point (e.g. a run evaluated
     * once) gets a marker instead, since a line needs two points.
     */
    public static void line(XYChart chart, String name, double[] x, double[] y) {
        double[][] xy = finite(x, y);
        if (xy[0].length == 0) {
            return;
        }
        XYSeries series = chart.addSeries(name, xy[0], xy[1]);
        if (xy[0].length == 1) {
            series.setMarker(SeriesMarkers.CIRCLE);
            chart.getStyler().setMarkerSize(Math.max(chart.getStyler().getMarkerSize(), SINGLE_POINT_MARKER));
        } else {
            series.setMarker(SeriesMarkers.NONE);
        }
    }

    private static double[][] finite(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                n++;
            }
        }
        double[][] out = new double[2][n];
        int j = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                out[0][j] = x[i];
                out[1][j++] = y[i];
            }
        }
        return out;
    }

    /** The charts side by side in {@code columns} columns (rows as needed), as one image. */
    public static BufferedImage grid(List<XYChart> charts, int columns) {
        int cols = Math.max(1, Math.min(columns, charts.size()));
        int rows = (charts.size() + cols - 1) / cols;
        BufferedImage out = new BufferedImage(cols * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < charts.size(); i++) {
            g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % cols) * PANEL_WIDTH,
                    (i / cols) * PANEL_HEIGHT, null);
        }
        g.dispose();
        return out;
    }

    /**
     * Writes the charts side by side as a PNG file at {@code file} (a Hadoop path). Plots are a by-product:
     * when they cannot be drawn (typically a JVM without any font) this logs why and returns false, so a
     * run's results are never lost to a plot.
     */
    public static boolean writePng(List<XYChart> charts, int columns, Path file, Configuration conf) {
        BufferedImage image;
        try {
            image = grid(charts, columns);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            LOG.warn("plot {} not drawn: {} (text needs a font: install fontconfig and a font, e.g. Debian's "
                    + "fonts-dejavu-core)", file, e.toString());
            return false;
        }
        ReportFiles.write(file, conf, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JVM");
            }
        });
        return true;
    }
}
