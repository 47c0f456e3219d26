package io.sparkcl.job.train.exec;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag$;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parameter broadcast's wire format: little-endian bytes that round-trip every float bit for bit (signed
 * zeros, subnormals, infinities, NaN payloads) through Java and Spark serialisation into an encoder's buffer.
 */
class FlatParamsTest {
    /** Values whose bits a lossy or reordering copy would change. */
    private static float[] awkwardValues(int n) {
        Random r = new Random(3);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * (float) Math.pow(10, r.nextInt(60) - 30);
        }
        v[0] = -0.0f;
        v[1] = Float.MIN_VALUE;
        v[2] = Float.NEGATIVE_INFINITY;
        v[3] = Float.intBitsToFloat(0x7fc01234); // a NaN with a payload
        v[4] = Float.MAX_VALUE;
        return v;
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    @Test
    void javaSerialisedParametersLandInTheModelBufferBitForBit() throws IOException, ClassNotFoundException {
        float[] values = awkwardValues(100_003); // not a multiple of any chunk size
        INDArray source = Nd4j.createFromArray(values);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(FlatParams.of(source));
        }
        FlatParams back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (FlatParams) in.readObject();
        }
        INDArray target = Nd4j.rand(DataType.FLOAT, values.length);
        back.copyInto(target);

        assertArrayEquals(bits(values), bits(target.data().asFloat()));
        assertArrayEquals(bits(values), bits(back.toFloats()));
        assertEquals(values.length, back.length());
        assertTrue(bytes.size() < 4L * values.length + 200, "bytes in bulk, no per-element framing: " + bytes.size());
    }

    @Test
    void sparksSerialiserRoundTripsTheArrayAndTheFloatFactoryAgrees() {
        float[] values = awkwardValues(4097);
        SerializerInstance ser = new JavaSerializer(new SparkConf()).newInstance();
        ByteBuffer wire = ser.serialize(FlatParams.of(values), ClassTag$.MODULE$.apply(FlatParams.class));
        FlatParams back = ser.deserialize(wire, ClassTag$.MODULE$.apply(FlatParams.class));

        assertArrayEquals(bits(values), bits(back.toFloats()));
        assertArrayEquals(bits(FlatParams.of(Nd4j.createFromArray(values)).toFloats()), bits(back.toFloats()));
    }

    @Test
    void theWireIsLittleEndianFloats() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(FlatParams.of(new float[]{1.0f, -2.0f}));
        }
        byte[] wire = bytes.toByteArray();
        byte[] expected = {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0}; // 1.0f then -2.0f, low byte first
        byte[] tail = java.util.Arrays.copyOfRange(wire, wire.length - expected.length, wire.length);
        assertArrayEquals(expected, tail);
    }

    @Test
    void aModelOfAnotherSizeIsRefusedByName() {
        FlatParams p = FlatParams.of(new float[]{1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.copyInto(Nd4j.zeros(DataType.FLOAT, 4)));
        assertTrue(e.getMessage().contains("4 parameters") && e.getMessage().contains("broadcast 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.copyInto(Nd4j.zeros(DataType.DOUBLE, 3)));
    }

    @Test
    void doubleParametersAndViewsAreSentAsTheirFloatValues() {
        INDArray doubles = Nd4j.createFromArray(1.5, -2.25, 3e-3);
        assertArrayEquals(new float[]{1.5f, -2.25f, 3e-3f}, FlatParams.of(doubles).toFloats());
        INDArray view = Nd4j.createFromArray(new float[]{9, 8, 7, 6}).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3));
        assertArrayEquals(new float[]{8, 7}, FlatParams.of(view).toFloats());
    }
}
