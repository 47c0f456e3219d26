package io.sparkcl.job.shared;

import io.sparkcl.job.cluster.LoopbackCluster;
import org.apache.spark.SparkConf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A loopback cluster and its driver with spark.authenticate=true (daemons read the secret from spark-defaults). */
final class ClusterAuth {
    private ClusterAuth() {
    }

    /** Before {@link LoopbackCluster#start}: the daemons' SPARK_HOME/conf/spark-defaults.conf. */
    static void writeSecret(Path stateDir, String secret) throws IOException {
        Path conf = Files.createDirectories(stateDir.resolve("spark-home/conf"));
        Files.writeString(conf.resolve("spark-defaults.conf"), "spark.authenticate true\nspark.authenticate.secret "
                + secret + "\n");
    }

    static SparkConf conf(LoopbackCluster cluster, String secret, String app) {
        return new SparkConf().setMaster(cluster.masterUrl()).setAppName(app)
                .set("spark.authenticate", "true").set("spark.authenticate.secret", secret)
                .set("spark.executor.memory", "1g").set("spark.cores.max", "2")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
    }
}
