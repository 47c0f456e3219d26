package io.sparkcl.job.deploy;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import io.findify.s3mock.S3Mock;
import io.sparkcl.datasets.DatasetsTool;
import io.sparkcl.job.train.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code sparkcl datasets show} on an {@code s3a://} data root served by an S3-compatible server in this JVM
 * (s3mock, reached on 127.0.0.1): hadoop-aws and the AWS SDK are on the classpath, s3a:// resolves to
 * S3AFileSystem, the dataset files are written and read through it, and the summary is the one of the local copy.
 */
class S3ADatasetsTest {
    static S3Mock server;
    static int port;

    /** Reads {@link #port}, so it starts after {@link #start()}. */
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2).with(b -> b
            .config("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + port)
            .config("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
            .config("spark.hadoop.fs.s3a.path.style.access", "true")
            .config("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
            .config("spark.hadoop.fs.s3a.access.key", "test").config("spark.hadoop.fs.s3a.secret.key", "test")
            .config("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
            .config("spark.hadoop.fs.s3a.change.detection.version.required", "false")
            .config("spark.hadoop.fs.s3a.list.version", "1")
            .config("spark.hadoop.fs.s3a.attempts.maximum", "2"));

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        server = new S3Mock.Builder().withPort(port).withInMemoryBackend().build();
        server.start();
        AmazonS3 s3 = AmazonS3ClientBuilder.standard().withPathStyleAccessEnabled(true)
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration("http://127.0.0.1:" + port, "us-east-1"))
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials("test", "test"))).build();
        s3.createBucket("data");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    @Test
    void datasetsShowReadsAnS3aDataRoot(SparkSession spark) throws Exception {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        FileSystem fs = FileSystem.get(URI.create("s3a://data/"), conf);
        assertInstanceOf(S3AFileSystem.class, fs);

        java.nio.file.Path local = dataRoot().resolve("glue/RTE");
        for (String split : List.of("train.tsv", "dev.tsv", "test.tsv")) {
            fs.copyFromLocalFile(new Path(local.resolve(split).toUri()), new Path("s3a://data/sparkcl/glue/RTE/" + split));
        }
        assertEquals(Files.size(local.resolve("train.tsv")), fs.getFileStatus(new Path("s3a://data/sparkcl/glue/RTE/train.tsv")).getLen());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DatasetsTool.show(spark, "glue-rte", "s3a://data/sparkcl", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("data root: s3a://data/sparkcl"), out);
        assertTrue(out.contains("train: 2490 rows, 0 bad"), out);
        assertTrue(out.contains("dev: 277 rows, 0 bad"), out);
        assertTrue(out.matches("(?s).*entailment\\s+1249.*not_entailment\\s+1241.*"), out);
    }

    private static java.nio.file.Path dataRoot() {
        String env = System.getenv("SPARKCL_DATA_DIR");
        java.nio.file.Path root = env != null && !env.isBlank() ? java.nio.file.Path.of(env)
                : Scripts.repoRoot().resolve("../shared/data").normalize();
        assertTrue(Files.isDirectory(root.resolve("glue/RTE")), "the GLUE RTE files under " + root
                + " (set SPARKCL_DATA_DIR to the datasets, see README)");
        return root;
    }
}
