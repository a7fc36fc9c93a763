package dev.sparkencoders.encoder;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MmapThresholdTest {

    @Test
    void raisesTheLaunchersDefaultOrNoneButKeepsTheUsersOwn() {
        assertEquals(OptionalInt.of(64 * 1024 * 1024), MmapThreshold.forPyTorch(null));
        assertEquals(OptionalInt.of(64 * 1024 * 1024), MmapThreshold.forPyTorch("131072"));
        assertEquals(OptionalInt.empty(), MmapThreshold.forPyTorch("1048576"));
        assertEquals(OptionalInt.empty(), MmapThreshold.forPyTorch("0"));
    }
}
