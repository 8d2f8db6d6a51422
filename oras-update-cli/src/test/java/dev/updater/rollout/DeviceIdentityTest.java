package dev.updater.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.schema.Failure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceIdentityTest {
    @TempDir
    Path dir;

    @Test
    void createdOnceAndKept() throws Exception {
        Path state = dir.resolve("root/.updater");
        assertTrue(DeviceIdentity.read(state).isEmpty());
        DeviceId first = DeviceIdentity.loadOrCreate(state);
        assertTrue(first.value().matches("[0-9a-f]{32}"), first::value);
        assertEquals(first, DeviceIdentity.loadOrCreate(state));
        assertEquals(first, DeviceIdentity.read(state).orElseThrow());
        assertEquals(first.value() + "\n", Files.readString(DeviceIdentity.fileIn(state)));
        assertNotEquals(first, DeviceIdentity.loadOrCreate(dir.resolve("other")));
    }

    @Test
    void randomIdsDoNotRepeat() {
        Set<DeviceId> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) assertTrue(seen.add(DeviceId.random()));
    }

    @Test
    void damagedFileIsLocalStateNotReplaced() throws Exception {
        Files.writeString(DeviceIdentity.fileIn(dir), "\u001b[2Jnot an id\n");
        RolloutStateException e = assertThrows(RolloutStateException.class, () -> DeviceIdentity.loadOrCreate(dir));
        assertEquals(Failure.STATE, e.failure());
        assertTrue(e.getMessage().contains("delete it"), e::getMessage);
        assertEquals("\u001b[2Jnot an id\n", Files.readString(DeviceIdentity.fileIn(dir)));
    }

    @Test
    void givenIdsAreChecked() {
        assertEquals("thermostat-0042", new DeviceId("thermostat-0042").value());
        assertThrows(IllegalArgumentException.class, () -> new DeviceId(""));
        assertThrows(IllegalArgumentException.class, () -> new DeviceId("a b"));
        assertThrows(IllegalArgumentException.class, () -> new DeviceId("-x"));
        assertThrows(IllegalArgumentException.class, () -> new DeviceId("x".repeat(129)));
    }
}
