package io.spillway.bench.txncheck;

/**
 * How many transactions of one fate a reader saw fully, partly, or not at all.
 *
 * @param full    all records visible
 * @param partial some but not all visible (torn)
 * @param none    no record visible
 */
public record Visibility(long full, long partial, long none) {

    static final Visibility ZERO = new Visibility(0, 0, 0);

    Visibility plus(Visibility o) {
        return new Visibility(full + o.full, partial + o.partial, none + o.none);
    }

    long total() {
        return full + partial + none;
    }
}
