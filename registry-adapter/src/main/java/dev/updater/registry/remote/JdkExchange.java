package dev.updater.registry.remote;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

/** A java.net.http response as an {@link Exchange}. */
record JdkExchange<T>(HttpResponse<T> response) implements Exchange {
    @Override
    public int status() {
        return response.statusCode();
    }

    @Override
    public URI uri() {
        return response.uri();
    }

    @Override
    public Optional<String> header(String name) {
        return response.headers().firstValue(name);
    }

    @Override
    public List<String> headers(String name) {
        return response.headers().allValues(name);
    }

    @Override
    public void discard() {
        RegistryHttp.discard(response);
    }
}
