package dev.updater.signing;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Who must have signed a release: at least {@code threshold} distinct keys of {@code keys}. With a Rekor key, every
 * counted signature must also carry a Rekor entry (signed entry timestamp) that this key verifies.
 */
public record KeyPolicy(List<VerificationKey> keys, int threshold, Optional<VerificationKey> rekorKey)
        implements TrustPolicy {
    public KeyPolicy {
        keys = List.copyOf(new LinkedHashSet<>(keys));
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a key policy needs at least one public key");
        }
        if (threshold < 1 || threshold > keys.size()) {
            throw new IllegalArgumentException("threshold " + threshold + " must be between 1 and the number of"
                    + " distinct keys given (" + keys.size() + ")");
        }
        rekorKey = rekorKey == null ? Optional.empty() : rekorKey;
    }

    public static KeyPolicy anyOf(List<VerificationKey> keys) {
        return new KeyPolicy(keys, 1, Optional.empty());
    }

    @Override
    public String describe() {
        return threshold + " of " + keys.size() + " key(s)" + rekorKey.map(k -> ", with Rekor entries").orElse("");
    }
}
