package io.sparkcl.job.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A local run listens on loopback only, whatever other Spark options are given (issue 13, item 2); with
 * {@code spark.authenticate=true} a client without the secret is refused.
 */
class LoopbackBindingTest {

    @Test
    void localMastersBindToLoopbackWhateverElseIsSet() {
        SparkConf c = SparkSessions.configure(new SparkConf(false).set("spark.executor.memory", "1g")
                .set("spark.sql.shuffle.partitions", "3"), "app", "local[2]", null);
        assertEquals("127.0.0.1", c.get("spark.driver.bindAddress"));
        assertEquals("127.0.0.1", c.get("spark.driver.host"));
        SparkConf mine = SparkSessions.configure(new SparkConf(false).set("spark.driver.bindAddress", "0.0.0.0"),
                "app", "local[2]", null);
        assertEquals("0.0.0.0", mine.get("spark.driver.bindAddress"), "an explicit setting is the user's choice");
        SparkConf cluster = SparkSessions.configure(new SparkConf(false), "app", "spark://h:7077", null);
        assertFalse(cluster.contains("spark.driver.bindAddress"), "a cluster driver must be reachable");
        assertFalse(SparkSessions.loopbackIntended("10.1.2.3"));
        assertTrue(SparkSessions.loopbackIntended(null));
    }

    private static Optional<InetAddress> externalAddress() throws IOException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback()) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean accepts(InetAddress host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aLocalRunListensOnlyOnLoopback() throws Exception {
        InetAddress external = externalAddress().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "this machine has no external interface");
        try (SparkSession spark = SparkSessions.create("binding", "local[1]")) {
            spark.range(10).count();
            int rpc = SparkEnv.get().rpcEnv().address().port();
            int blocks = SparkEnv.get().blockManager().blockManagerId().port();
            for (int port : new int[]{rpc, blocks}) {
                assertTrue(accepts(InetAddress.getLoopbackAddress(), port), "listening on loopback " + port);
                assertFalse(accepts(external, port), "port " + port + " must not be reachable on " + external);
            }
            // the contrast for the authentication test below: without spark.authenticate anyone gets in
            assertTrue(canReachHeartbeat(rpc, ""));
        }
    }

    @Test
    void withSparkAuthenticateAClientWithoutTheSecretIsRefused() throws Exception {
        SparkConf server = new SparkConf(false).setMaster("local[1]").setAppName("auth")
                .set("spark.authenticate", "true").set("spark.authenticate.secret", "s3cret");
        SparkConf conf = SparkSessions.configure(server, "auth", null, null);
        try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
            int port = SparkEnv.get().rpcEnv().address().port();
            assertTrue(canReachHeartbeat(port, null), "a client with the secret is let in");
            assertThrows(Exception.class, () -> canReachHeartbeat(port, ""));
        }
    }

    /**
     * Looks up the driver's HeartbeatReceiver endpoint from a separate RPC client; secret "" = no authentication,
     * null = authenticate. (In local mode Spark generates the secret and keeps it in this JVM's Hadoop user
     * credentials, where an in-process client finds it: a wrong secret cannot be simulated in-process.)
     */
    private static boolean canReachHeartbeat(int port, String secret) {
        SparkConf c = new SparkConf(false).set("spark.rpc.lookupTimeout", "5s").set("spark.rpc.askTimeout", "5s")
                .set("spark.network.timeout", "5s").set("spark.app.id", "auth-test");
        if (secret == null) {
            c.set("spark.authenticate", "true").set("spark.authenticate.secret", "s3cret");
        } else if (!secret.isEmpty()) {
            c.set("spark.authenticate", "true").set("spark.authenticate.secret", secret);
        }
        org.apache.spark.SecurityManager security = new org.apache.spark.SecurityManager(c, scala.Option.empty(),
                org.apache.spark.internal.config.package$.MODULE$.AUTH_SECRET_FILE());
        org.apache.spark.rpc.RpcEnv client = org.apache.spark.rpc.RpcEnv$.MODULE$.create("auth-client", "127.0.0.1",
                0, c, security, true);
        try {
            client.setupEndpointRef(new org.apache.spark.rpc.RpcAddress("127.0.0.1", port), "HeartbeatReceiver");
            return true;
        } finally {
            client.shutdown();
            client.awaitTermination();
        }
    }
}
