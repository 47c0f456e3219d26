package io.sparkcl.job.promote;

import java.util.Locale;

/**
 * The promotion rule, apart from how the numbers were obtained: the candidate replaces the current model only
 * when its dev metric is higher by more than the margin (a tie keeps the current model: no churn); with no
 * current model the candidate is the first one.
 */
public final class Promotion {

    /** What {@code sparkcl promote} decided, with its exit code. */
    public enum Outcome {
        /** The candidate beat the current model by more than the margin and was installed. */
        PROMOTED(0),
        /** There was no current model: the candidate was installed. */
        FIRST_MODEL(0),
        /** The candidate was not better by more than the margin: the current model stays. */
        KEPT_CURRENT(3);

        private final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }

        public boolean installsCandidate() {
            return this != KEPT_CURRENT;
        }
    }

    private Promotion() {
    }

    /**
     * @param current the current model's dev metric, NaN when there is no current model
     */
    public static Outcome decide(double candidate, double current, double margin) {
        if (Double.isNaN(candidate)) {
            throw new IllegalArgumentException("the candidate's dev metric is NaN");
        }
        if (Double.isNaN(current)) {
            return Outcome.FIRST_MODEL;
        }
        return candidate - current > margin ? Outcome.PROMOTED : Outcome.KEPT_CURRENT;
    }

    /** The log line of a decision. */
    public static String describe(Outcome outcome, String metric, double candidate, double current, double margin) {
        return switch (outcome) {
            case FIRST_MODEL -> String.format(Locale.ROOT, "promote: FIRST_MODEL: no current model; installing the "
                    + "candidate (dev %s %.4f)", metric, candidate);
            case PROMOTED -> String.format(Locale.ROOT, "promote: PROMOTED: candidate dev %s %.4f > current %.4f + "
                    + "margin %.4f", metric, candidate, current, margin);
            case KEPT_CURRENT -> String.format(Locale.ROOT, "promote: KEPT_CURRENT: candidate dev %s %.4f is not above "
                    + "current %.4f + margin %.4f", metric, candidate, current, margin);
        };
    }
}
