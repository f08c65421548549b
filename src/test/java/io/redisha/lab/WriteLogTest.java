package io.redisha.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WriteLogTest {
  private static final long MS = 1_000_000L;

  @Test
  void theLongestGapCountsTheWindowEdgesAsAcks() {
    WriteLog log = new WriteLog("p");
    log.recordAck(1, 100 * MS);
    log.recordAck(2, 102 * MS);
    log.recordAck(5, 150 * MS);
    log.recordAck(6, 152 * MS);

    assertThat(log.window(101 * MS, 160 * MS).longestGapMillis()).isEqualTo(48);
    assertThat(log.window(101 * MS, 160 * MS).acked()).isEqualTo(3);
    assertThat(log.window(153 * MS, 400 * MS).longestGapMillis())
        .as("a client that never recovers shows the whole window")
        .isEqualTo(247);
    assertThat(log.ackedSequences(101 * MS, 151 * MS)).containsExactly(2, 5);
    assertThat(log.ackNanos(5)).isEqualTo(150 * MS);
    assertThat(log.ackNanos(3)).isEqualTo(-1);
    assertThat(log.key(7)).isEqualTo("p:7");
  }

  @Test
  void theLongestGapIsPlacedAndTheGapAcrossAnInstantIsItsOwn() {
    WriteLog log = new WriteLog("p");
    log.recordAck(1, 100 * MS);
    log.recordAck(2, 110 * MS);
    log.recordAck(3, 112 * MS);
    log.recordAck(4, 190 * MS);
    log.recordAck(5, 192 * MS);

    assertThat(log.longestGapStartNanos(90 * MS, 200 * MS)).isEqualTo(112 * MS);
    assertThat(log.longestGapStartNanos(150 * MS, 400 * MS))
        .as("a client that never recovers: from its last ack")
        .isEqualTo(192 * MS);
    assertThat(log.gapAcrossMillis(105 * MS)).as("a short gap, not the longest").isEqualTo(10);
    assertThat(log.gapAcrossMillis(112 * MS))
        .as("an ack at the instant is before it")
        .isEqualTo(78);
    assertThat(log.gapAcrossMillis(50 * MS)).as("no ack before").isEqualTo(-1);
    assertThat(log.gapAcrossMillis(300 * MS)).as("no ack after").isEqualTo(-1);
  }

  @Test
  void anAckOutOfOrderIsRefused() {
    WriteLog log = new WriteLog("p");
    log.recordAck(4, 10);

    assertThatThrownBy(() -> log.recordAck(4, 11)).hasMessageContaining("out of order");
  }
}
