package io.sparkcl.job.shared;

import org.apache.spark.SparkEnv;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.nd4j.parameterserver.distributed.util.NetworkOrganizer;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where DL4J's parameter server listens. The driver is the controller, at Spark's driver host and the
 * configured port. Each executor binds to its own address on the executors' network (never 0.0.0.0): DL4J
 * picks the local address inside {@link #networkMask()}, which defaults to the driver's own network (its
 * interface's prefix, or 127.0.0.0/8 when the driver is on loopback). Executors that share a host (e.g. the
 * loopback cluster) each take their own UDP port above the controller's ({@link FreePortAbove}).
 */
public record ParameterServerNetwork(String controllerAddress, int controllerPort, String networkMask)
        implements java.io.Serializable {
    /** Aeron stream id of the parameter server (any fixed non-zero id; DL4J's own choice is random). */
    static final int STREAM_ID = 119;

    /**
     * @param driverHost  spark.driver.host (a name or an address)
     * @param networkMask the executors' network in CIDR; null = the driver's network
     */
    public static ParameterServerNetwork of(String driverHost, int port, String networkMask) {
        InetAddress driver;
        try {
            driver = InetAddress.getByName(driverHost);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("shared mode: cannot resolve the driver host '" + driverHost
                    + "' (spark.driver.host) for the parameter server", e);
        }
        if (driver.isAnyLocalAddress()) {
            throw new IllegalArgumentException("shared mode: the driver host is " + driverHost + "; the parameter"
                    + " server needs an address executors can reach (set spark.driver.host)");
        }
        String mask = networkMask != null ? networkMask : networkOf(driver);
        checkCidr(mask);
        return new ParameterServerNetwork(driver.getHostAddress(), port, mask);
    }

    /** The driver's network in CIDR: its interface's prefix (127.0.0.0/8 on loopback). */
    static String networkOf(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "127.0.0.0/8";
        }
        try {
            NetworkInterface nic = NetworkInterface.getByInetAddress(address);
            if (nic != null) {
                for (InterfaceAddress ia : nic.getInterfaceAddresses()) {
                    if (ia.getAddress().equals(address)) {
                        return prefix(address, ia.getNetworkPrefixLength());
                    }
                }
            }
        } catch (SocketException e) {
            // fall through: the driver's own address only
        }
        return address.getHostAddress() + "/32";
    }

    static String prefix(InetAddress address, int bits) {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            b[i] &= (byte) (0xFF << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkCidr(String mask) {
        String[] parts = mask.split("/");
        boolean ok = parts.length == 2 && parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}") && parts[1].matches("\\d{1,2}")
                && Integer.parseInt(parts[1]) <= 32;
        if (!ok) {
            throw new IllegalArgumentException("shared mode: network mask '" + mask + "' is not IPv4 CIDR like"
                    + " 10.0.0.0/16");
        }
    }

    /** DL4J's configuration: unicast UDP (Aeron) to the controller, executors on {@link #networkMask}. */
    public VoidConfiguration voidConfiguration() {
        VoidConfiguration c = VoidConfiguration.builder()
                .controllerAddress(controllerAddress)
                .unicastPort(controllerPort)
                .networkMask(networkMask)
                .build();
        // the builder's unicastPort is not the port executors connect to: that is unicastControllerPort
        c.setUnicastControllerPort(controllerPort);
        // set here, before the executors' configuration is broadcast: SharedTrainingMaster sets the shard address
        // and draws a random stream id only later, on the driver, and the executors then never connect
        c.setShardAddresses(controllerAddress);
        c.setNumberOfShards(1);
        c.setStreamId(STREAM_ID);
        c.setPortSupplier(new FreePortAbove(controllerPort));
        return c;
    }

    /**
     * On the driver, before DL4J starts: a clear error when the controller's UDP port is taken (DL4J only logs
     * Aeron's bind error and the executors then fail after a 10 s connection timeout).
     */
    public void checkControllerPortFree() {
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.bind(new InetSocketAddress(controllerAddress, controllerPort));
        } catch (IOException e) {
            throw new IllegalStateException("shared mode: UDP port " + controllerPort + " on " + controllerAddress
                    + " is in use (another run's parameter server?); choose another parameter-server port", e);
        }
    }

    /**
     * This JVM's address on the executors' network; on an executor with no interface on it, an error naming the
     * mask (DL4J's own message names neither the host nor what to change).
     */
    public String localAddress() {
        String ip;
        try {
            ip = new NetworkOrganizer(networkMask).getMatchingAddress();
        } catch (RuntimeException noMatch) {
            ip = null;
        }
        if (ip == null) {
            String host;
            try {
                host = InetAddress.getLocalHost().toString();
            } catch (UnknownHostException e) {
                host = "this host";
            }
            throw new IllegalStateException("shared mode: " + host + " has no address in the parameter server's"
                    + " network " + networkMask + "; set the network mask option to the executors' network");
        }
        return ip;
    }

    /**
     * The UDP port of this JVM's endpoint, chosen once per JVM (DL4J asks more than once). DL4J asks it on the
     * driver too, for the controller's own endpoint: there it is the controller port executors connect to. On an
     * executor it is the first free port from {@code base + 1 + executor id}, so executors sharing a host (their
     * probes run at the same moment, before Aeron binds) start from different ports.
     */
    static final class FreePortAbove implements PortSupplier {
        static final int RANGE = 200;
        /** Per controller port: the endpoint port chosen in this JVM. */
        private static final Map<Integer, Integer> CHOSEN = new ConcurrentHashMap<>();
        private final int base;

        FreePortAbove(int base) {
            this.base = base;
        }

        @Override
        public int getPort() {
            return CHOSEN.computeIfAbsent(base, b -> {
                Integer slot = executorSlot();
                int last = Math.min(65535, b + RANGE);
                return slot == null ? b : firstFree(Math.min(last, b + 1 + slot), last);
            });
        }

        /** Spark's executor id (0, 1, ...) modulo half the range; null on the driver (and outside Spark). */
        private static Integer executorSlot() {
            SparkEnv env = SparkEnv.get();
            if (env == null || !env.executorId().matches("\\d+")) {
                return null;
            }
            return (int) (Long.parseLong(env.executorId()) % (RANGE / 2));
        }

        private static int firstFree(int from, int to) {
            for (int p = from; p <= to; p++) {
                try (DatagramSocket s = new DatagramSocket(null)) {
                    s.bind(new InetSocketAddress(p));
                    return p;
                } catch (IOException busy) {
                    // try the next one
                }
            }
            throw new IllegalStateException("shared mode: no free UDP port in " + from + ".." + to
                    + " for this executor's parameter-server endpoint");
        }
    }
}
