package dev.updater.registry.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** WWW-Authenticate parsing: what registries and proxies actually send, not only distribution's exact form. */
class ChallengeTest {
    @Test
    void distributionsBearerChallenge() {
        List<Challenge> c = Challenge.parse(List.of("Bearer realm=\"https://auth.example/token"
                + "\",service=\"registry.example\",scope=\"repository:a/b:pull,push\",error=\"insufficient_scope\""));
        assertEquals(List.of(new Challenge("Bearer", Map.of("realm", "https://auth.example/token",
                "service", "registry.example", "scope", "repository:a/b:pull,push",
                "error", "insufficient_scope"))), c);
    }

    @Test
    void severalChallengesInOneHeaderWithBareAndSpacedParameters() {
        List<Challenge> c = Challenge.parse(List.of(
                "Basic realm=\"Registry Realm\", Bearer Realm = https://auth.example/token , service=reg,"
                        + " scope=\"repository:x:pull\""));
        assertEquals(List.of(new Challenge("Basic", Map.of("realm", "Registry Realm")),
                new Challenge("Bearer", Map.of("realm", "https://auth.example/token", "service", "reg",
                        "scope", "repository:x:pull"))), c);
    }

    @Test
    void severalHeadersAndEscapedQuotes() {
        List<Challenge> c = Challenge.parse(List.of("Negotiate",
                "bearer realm=\"https://a.example/t?x=\\\"1\\\"\""));
        assertEquals(List.of(new Challenge("Negotiate", Map.of()),
                new Challenge("bearer", Map.of("realm", "https://a.example/t?x=\"1\""))), c);
    }
}
