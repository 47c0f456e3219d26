package io.sparkcl.job.gpu;

import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** The rules that map a task's assigned GPU to an ND4J device, and the errors when GPU mode cannot work. */
class GpuBindingTest {
    private static ResourceInformation gpus(String... addresses) {
        return new ResourceInformation(GpuBinding.RESOURCE, addresses);
    }

    @Test
    void theAssignedAddressIsTheDevice() {
        assertEquals(OptionalInt.of(3), GpuBinding.deviceFor(gpus("3"), true, false, "task 1"));
        assertEquals(OptionalInt.of(0), GpuBinding.deviceFor(gpus("0"), false, false, "task 1"));
    }

    @Test
    void noGpuIsFineOnTheCpuBackendAndInLocalMode() {
        assertEquals(OptionalInt.empty(), GpuBinding.deviceFor(null, false, false, "task 1"));
        assertEquals(OptionalInt.empty(), GpuBinding.deviceFor(gpus(), false, false, "task 1"));
        assertEquals(OptionalInt.empty(), GpuBinding.deviceFor(null, true, true, "task 1"));
    }

    @Test
    void cudaOnAClusterWithoutAnAssignedGpuFailsNamingTheTaskAndTheConfs() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GpuBinding.deviceFor(null, true, false, "task 7 (partition 2) on executor 4"));
        assertTrue(e.getMessage().contains("task 7 (partition 2) on executor 4"), e.getMessage());
        assertTrue(e.getMessage().contains("spark.executor.resource.gpu.amount=1"), e.getMessage());
        assertTrue(e.getMessage().contains("spark.task.resource.gpu.amount=1"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> GpuBinding.deviceFor(gpus(), true, false, "task 7"));
    }

    @Test
    void severalGpusOrANonIndexAddressFail() {
        IllegalStateException several = assertThrows(IllegalStateException.class,
                () -> GpuBinding.deviceFor(gpus("0", "1"), true, false, "task 1"));
        assertTrue(several.getMessage().contains("2 GPUs [0, 1]"), several.getMessage());
        IllegalStateException uuid = assertThrows(IllegalStateException.class,
                () -> GpuBinding.deviceFor(gpus("GPU-8f2c"), true, false, "task 1"));
        assertTrue(uuid.getMessage().contains("'GPU-8f2c'"), uuid.getMessage());
        assertThrows(IllegalStateException.class, () -> GpuBinding.deviceFor(gpus("-1"), false, false, "task 1"));
    }
}
