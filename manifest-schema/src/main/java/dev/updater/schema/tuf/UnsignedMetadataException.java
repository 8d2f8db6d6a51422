package dev.updater.schema.tuf;

/** Fewer distinct trusted keys signed a role's metadata than its threshold requires (covers forged signatures). */
public final class UnsignedMetadataException extends TufVerificationException {
    private static final long serialVersionUID = 1L;

    public UnsignedMetadataException(String role, long version, String signer, int valid, int threshold) {
        super(role, role + " metadata version " + version + " is not trusted: " + valid + " valid signature(s) from "
                + signer + "'s keys for " + role + ", threshold is " + threshold
                + "; it was not signed by the keys the trusted metadata lists (forged, tampered or signed with revoked"
                + " keys). It was not stored; if the keys were rotated legitimately the publisher must sign with the"
                + " new keys");
    }
}
