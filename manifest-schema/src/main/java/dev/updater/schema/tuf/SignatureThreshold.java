package dev.updater.schema.tuf;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Counts valid signatures over distinct keys, the way the specification's threshold is meant. */
final class SignatureThreshold {
    private SignatureThreshold() {}

    static void verify(String roleName, String signer, Map<String, Key> keys, Role role, Metadata<?> metadata) {
        int valid = countValid(keys, role, metadata);
        if (valid < role.threshold()) {
            throw new UnsignedMetadataException(roleName, metadata.signed().version(), signer, valid, role.threshold());
        }
    }

    static int countValid(Map<String, Key> keys, Role role, Metadata<?> metadata) {
        byte[] payload = metadata.signedBytes();
        Set<String> countedKeyIds = new HashSet<>();
        Set<String> countedMaterial = new HashSet<>();
        for (Signature signature : metadata.signatures()) {
            String keyId = signature.keyId();
            Key key = keys.get(keyId);
            if (key == null || !role.keyIds().contains(keyId) || countedKeyIds.contains(keyId)) continue;
            if (countedMaterial.contains(key.material())) continue;
            if (key.verify(payload, signature.sig())) {
                countedKeyIds.add(keyId);
                countedMaterial.add(key.material());
            }
        }
        return countedKeyIds.size();
    }
}
