package io.sparkcl.job;

/** Entry point of the `sparkcl` command. */
public final class SparkClMain {
    public static void main(String[] args) {
        System.out.println("sparkcl: not implemented yet");
    }
}
