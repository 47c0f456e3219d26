package io.sparkcl.job.shared;

import io.sparkcl.job.train.SyntheticData;
import io.sparkcl.job.train.data.TrainingRow;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowFeaturesTest {

    @Test
    void rowsSurviveTheDataSetRoundTrip() {
        for (boolean dual : new boolean[]{false, true}) {
            List<TrainingRow> rows = SyntheticData.rows(12, 3, dual, 5, 100);
            RowFeatures f = RowFeatures.fitting(rows, 3);
            DataSet ds = f.toDataSet(rows);
            assertArrayEquals(new long[]{12, f.width()}, ds.getFeatures().shape());
            List<TrainingRow> back = f.toRows(ds.getFeatures(), ds.getLabels());
            for (int i = 0; i < rows.size(); i++) {
                TrainingRow a = rows.get(i);
                TrainingRow b = back.get(i);
                assertEquals(a.index(), b.index());
                assertEquals(a.label(), b.label());
                assertArrayEquals(a.inputIds(), b.inputIds());
                assertArrayEquals(a.attentionMask(), b.attentionMask());
                assertArrayEquals(a.tokenTypeIds(), b.tokenTypeIds());
                if (dual) {
                    assertArrayEquals(a.labelPositions(), b.labelPositions());
                } else {
                    assertNull(b.labelPositions());
                }
            }
        }
    }

    @Test
    void rowsThatDoNotFitAreRejectedByName() {
        List<TrainingRow> rows = SyntheticData.rows(4, 3, false, 5, 0);
        RowFeatures narrow = new RowFeatures(3, 3, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> narrow.toDataSet(rows));
        assertTrue(e.getMessage().contains("row 0 (id r0)"), e.getMessage());
        RowFeatures dual = new RowFeatures(40, 3, 1);
        e = assertThrows(IllegalArgumentException.class, () -> dual.toDataSet(rows));
        assertTrue(e.getMessage().contains("label names"), e.getMessage());
    }
}
