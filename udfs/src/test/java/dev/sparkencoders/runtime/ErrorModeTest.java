package dev.sparkencoders.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ErrorModeTest {

    @Test
    void parsesEitherModeInAnyCase() {
        assertEquals(ErrorMode.PERMISSIVE, ErrorMode.parse("permissive"));
        assertEquals(ErrorMode.FAIL, ErrorMode.parse(" FAIL "));
    }

    @Test
    void refusesAnUnknownModeNamingTheChoices() {
        assertEquals("Cannot use errors='drop': unknown mode (use permissive or fail)",
                assertThrows(IllegalArgumentException.class, () -> ErrorMode.parse("drop")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ErrorMode.parse(null));
    }
}
