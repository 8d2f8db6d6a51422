package dev.updater.registry.remote;

import dev.updater.registry.RegistryProtocolException;
import dev.updater.registry.RegistryUnauthorizedException;
import dev.updater.schema.UntrustedText;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * {@code GET /v2/} with the credentials {@code http} was given, as {@code docker login} does: the registry (or the
 * token service it names, which gets the credentials with no scope) says whether they are valid before anything
 * records them. Refused credentials are {@link RegistryUnauthorizedException}; an unreachable registry is the
 * transport's network failure after its retries.
 */
public final class CredentialCheck {
    private final RegistryHttp http;

    public CredentialCheck(RegistryHttp http) {
        this.http = http;
    }

    public void run() {
        HttpResponse<Void> response = http.send(RegistryHttp.Request.get(http.uri("/v2/"), "", Map.of()),
                HttpResponse.BodyHandlers.discarding());
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new RegistryUnauthorizedException(http.registry() + " refused the credentials (HTTP " + status
                    + " to GET /v2/); check the user name and password");
        }
        if (status != 200) {
            throw new RegistryProtocolException(http.registry() + " answered HTTP " + status + " to GET /v2/, which"
                    + " a registry answers with 200 or 401; is " + UntrustedText.quoteLong(http.registry())
                    + " a registry (HOST[:PORT], no path)?");
        }
    }
}
