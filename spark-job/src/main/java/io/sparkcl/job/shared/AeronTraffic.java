package io.sparkcl.job.shared;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.status.SystemCounterDescriptor;
import org.nd4j.parameterserver.distributed.v2.ModelParameterServer;
import org.nd4j.parameterserver.distributed.v2.transport.impl.AeronUdpTransport;

import java.lang.reflect.Field;

/**
 * Bytes sent by this JVM's Aeron media driver: the parameter server's traffic (DL4J starts one embedded driver per
 * JVM and does not expose it, hence the reflection). For the benchmark and metrics.jsonl; -1 when unreadable.
 */
final class AeronTraffic {
    private AeronTraffic() {
    }

    static long bytesSent() {
        try {
            Object transport = ModelParameterServer.getInstance().getTransport();
            if (!(transport instanceof AeronUdpTransport)) {
                return 0;
            }
            Field driver = AeronUdpTransport.class.getDeclaredField("driver");
            driver.setAccessible(true);
            MediaDriver d = (MediaDriver) driver.get(transport);
            return d == null ? 0 : d.context().systemCounters().get(SystemCounterDescriptor.BYTES_SENT).get();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
