package dev.updater.signing;

import dev.updater.publish.PublishResult;
import dev.updater.publish.ReleasePublication;
import dev.updater.registry.ReleaseStore;
import java.util.Optional;

/**
 * The cosign-compatible signature of a release ({@code sha256-<hex>.sig}) as one step of a {@link ReleasePublication}:
 * the key is loaded (and its password checked) before this is created, so nothing is uploaded with a bad key.
 */
public final class SignatureEndorsement implements ReleasePublication.Endorsement {
    private final SignatureStore signatures;
    private final String dockerReference;
    private final SigningKey key;
    private SignatureStore.Signed signed;

    /** @param dockerReference the repository name the signature's payload records (cosign's docker-reference) */
    public SignatureEndorsement(ReleaseStore store, String dockerReference, SigningKey key) {
        this.signatures = new SignatureStore(store);
        this.dockerReference = dockerReference;
        this.key = key;
    }

    /** The key was loaded when this was created. */
    @Override
    public void check() {}

    /**
     * A promotion moves channels to a release this key signed already: anything else under the version tag (moved
     * there by someone without the key) is refused before any tag moves.
     */
    @Override
    public void checkExisting(PublishResult existing) {
        signatures.verify(existing.digest(), KeyPolicy.anyOf(java.util.List.of(key.publicKey())));
    }

    @Override
    public void endorse(PublishResult staged) {
        signed = signatures.sign(staged.digest(), dockerReference, key);
    }

    /** What {@link #endorse} did; empty before it ran. */
    public Optional<SignatureStore.Signed> signed() {
        return Optional.ofNullable(signed);
    }
}
