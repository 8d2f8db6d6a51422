package dev.updater.schema.tuf;

import java.util.ArrayList;
import java.util.List;

/**
 * Targets metadata that a {@link TrustedMetadataSet} verified along one chain of delegations, from the top-level
 * {@code targets} role down to {@link #role()}.
 *
 * <p>Trust in delegated metadata belongs to the delegation it was reached through, not to the role's name: a role
 * delegated to by two parents with different keys may be signed by one parent's keys only, and must then be refused
 * on the other parent's path (TUF specification 5.6.7; the delegation-graph tests of the TUF conformance suite). Only
 * the set creates instances, so a caller cannot present metadata as verified for a chain it was not verified on.
 */
public final class TrustedTargets {
    private final List<String> chain;
    private final Metadata<Targets> metadata;

    private TrustedTargets(List<String> chain, Metadata<Targets> metadata) {
        this.chain = List.copyOf(chain);
        this.metadata = metadata;
    }

    static TrustedTargets topLevel(Metadata<Targets> metadata) {
        return new TrustedTargets(List.of(Targets.TYPE), metadata);
    }

    TrustedTargets child(String roleName, Metadata<Targets> childMetadata) {
        return new TrustedTargets(chainOf(this, roleName), childMetadata);
    }

    static List<String> chainOf(TrustedTargets delegator, String roleName) {
        List<String> longer = new ArrayList<>(delegator.chain);
        longer.add(roleName);
        return List.copyOf(longer);
    }

    /** The role names from {@code targets} down to this role, in delegation order. */
    public List<String> chain() {
        return chain;
    }

    /** This role's name, the last element of {@link #chain()}. */
    public String role() {
        return chain.get(chain.size() - 1);
    }

    public Metadata<Targets> metadata() {
        return metadata;
    }

    public Targets signed() {
        return metadata.signed();
    }

    @Override
    public String toString() {
        return String.join(" -> ", chain);
    }
}
