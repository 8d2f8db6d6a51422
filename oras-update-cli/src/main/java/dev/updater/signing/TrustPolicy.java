package dev.updater.signing;

/** What makes a release trusted: cosign key signatures ({@link KeyPolicy}) or a keyless identity. */
public sealed interface TrustPolicy permits KeyPolicy, KeylessPolicy {
    /** For messages: "2 of 3 keys", "keyless signature by ...". */
    String describe();
}
