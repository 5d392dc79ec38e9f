package io.gregor.cli.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.cli.client.CommandException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class OffsetResetTest {

    @Test
    void shouldParseDatetimesWithAndWithoutZone() {
        assertThat(OffsetReset.timestamp("2024-05-01T00:00:00Z")).isEqualTo(1714521600000L);
        assertThat(OffsetReset.timestamp("2024-05-01T02:00:00+02:00")).isEqualTo(1714521600000L);
        assertThat(OffsetReset.timestamp("2024-05-01T00:00:00.250Z")).isEqualTo(1714521600250L);
        assertThat(OffsetReset.timestamp("2024-05-01T12:30:00"))
            .isEqualTo(LocalDateTime.of(2024, 5, 1, 12, 30).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli());
        assertThat(OffsetReset.timestamp("2024-05-01"))
            .isEqualTo(LocalDate.of(2024, 5, 1).atStartOfDay(ZoneId.systemDefault()).toInstant().toEpochMilli());
    }

    @Test
    void shouldRejectOtherForms() {
        assertThatThrownBy(() -> OffsetReset.timestamp("01/05/2024")).isInstanceOf(CommandException.class)
            .hasMessageStartingWith("invalid value for --to-datetime: '01/05/2024'");
    }
}
