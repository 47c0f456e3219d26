package io.sparkcl.job.shared;

import org.junit.jupiter.api.Test;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterServerNetworkTest {

    @Test
    void aLoopbackDriverPutsTheParameterServerOnLoopback() {
        ParameterServerNetwork n = ParameterServerNetwork.of("localhost", 40200, null);
        assertEquals("127.0.0.1", n.controllerAddress());
        assertEquals("127.0.0.0/8", n.networkMask());
        assertEquals("127.0.0.1", n.localAddress());
        VoidConfiguration c = n.voidConfiguration();
        assertEquals("127.0.0.1", c.getControllerAddress());
        assertEquals(40200, c.getUnicastControllerPort());
        assertEquals("127.0.0.0/8", c.getNetworkMask());
        // outside Spark's executors (here: no SparkEnv) the endpoint is the controller's own port
        assertEquals(40200, c.getPortSupplier().getPort());
    }

    @Test
    void aNetworkIsItsAddressMaskedToThePrefix() throws Exception {
        assertEquals("10.1.0.0/16", ParameterServerNetwork.prefix(InetAddress.getByName("10.1.2.3"), 16));
        assertEquals("192.168.0.0/20", ParameterServerNetwork.prefix(InetAddress.getByName("192.168.7.200"), 20));
        assertEquals("192.0.2.3/32", ParameterServerNetwork.prefix(InetAddress.getByName("192.0.2.3"), 32));
    }

    @Test
    void badSettingsAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParameterServerNetwork.of("0.0.0.0", 40200, null));
        assertTrue(e.getMessage().contains("spark.driver.host"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ParameterServerNetwork.of("127.0.0.1", 40200, "10.0.0/8"));
        assertTrue(e.getMessage().contains("'10.0.0/8'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ParameterServerNetwork.of("no-such-host.invalid", 40200,
                null));
        assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
    }

    @Test
    void aTakenControllerPortIsExplained() throws Exception {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            ParameterServerNetwork n = ParameterServerNetwork.of("127.0.0.1", taken.getLocalPort(), null);
            IllegalStateException e = assertThrows(IllegalStateException.class, n::checkControllerPortFree);
            assertTrue(e.getMessage().contains("UDP port " + taken.getLocalPort()), e.getMessage());
        }
        ParameterServerNetwork.of("127.0.0.1", 40277, null).checkControllerPortFree();
    }

    @Test
    void anExecutorOffTheNetworkGetsAClearError() {
        // 203.0.113.0/24 is reserved for documentation: no host has an address in it
        ParameterServerNetwork n = ParameterServerNetwork.of("127.0.0.1", 40200, "203.0.113.0/24");
        IllegalStateException e = assertThrows(IllegalStateException.class, n::localAddress);
        assertTrue(e.getMessage().contains("203.0.113.0/24"), e.getMessage());
    }
}
