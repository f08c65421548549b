package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TcpResetTest {
  /**
   * A SYN from 192.0.2.30:55740 (02:00:00:00:00:0b) to 192.0.2.11:6379 (02:00:00:00:00:0a), and the
   * kernel's own answer for that closed port, both captured with {@code tcpdump -xx} between two
   * network namespaces (checksum offload off).
   */
  private static final String KERNEL_SYN =
      "0200 0000 000a 0200 0000 000b 0800 4500"
          + "003c d856 4000 4006 de3b c000 021e c000"
          + "020b d9bc 18eb 9460 e8e6 0000 0000 a002"
          + "faf0 8458 0000 0204 05b4 0402 080a cb68"
          + "f3b5 0000 0000 0103 030a";

  private static final String KERNEL_RST =
      "0200 0000 000b 0200 0000 000a 0800 4500"
          + "0028 0000 4000 4006 b6a6 c000 020b c000"
          + "021e 18eb d9bc 0000 0000 9460 e8e7 5014"
          + "0000 bbb6 0000";

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replace(" ", ""));
  }

  @Test
  void answersASynAsTheKernelDoesForAClosedPort() {
    byte[] syn = hex(KERNEL_SYN);
    assertThat(TcpReset.answer(syn, syn.length)).isEqualTo(hex(KERNEL_RST));
  }

  @Test
  void answersFromTheCapturedPrefixAlone() {
    byte[] syn = hex(KERNEL_SYN);
    // The socket's filter queues at most 128 bytes; the options do not change the answer.
    assertThat(TcpReset.answer(syn, 14 + 20 + 20)).isEqualTo(hex(KERNEL_RST));
  }

  @Test
  void acknowledgesTheDataOfASynThatCarriesSome() {
    byte[] syn = hex(KERNEL_SYN);
    // Total length 60 + 5 bytes of data (TCP Fast Open): the answer acknowledges seq + 1 + 5.
    syn[14 + 2] = 0;
    syn[14 + 3] = 65;
    byte[] answer = TcpReset.answer(syn, syn.length);
    assertThat(HexFormat.of().formatHex(answer, 14 + 20 + 8, 14 + 20 + 12)).isEqualTo("9460e8ec");
    assertThat(TcpReset.checksum(answer, 14, 20, 0)).isZero();
  }

  @Test
  void theAnswersChecksumsVerify() {
    byte[] syn = hex(KERNEL_SYN);
    syn[14 + 12 + 3] = 77; // another client address: both checksums change
    byte[] answer = TcpReset.answer(syn, syn.length);
    assertThat(TcpReset.checksum(answer, 14, 20, 0)).isZero();
    long pseudoHeader = 0xc000 + 0x020b + 0xc000 + (0x0200 | 77) + 6 + 20;
    assertThat(TcpReset.checksum(answer, 34, 20, pseudoHeader)).isZero();
  }

  @Test
  void leavesEverythingButAnUnfragmentedIpv4SynAlone() {
    byte[] synAck = hex(KERNEL_SYN);
    synAck[14 + 20 + 13] = 0x12;
    assertThat(TcpReset.answer(synAck, synAck.length)).isNull();
    byte[] reset = hex(KERNEL_SYN);
    reset[14 + 20 + 13] = 0x06;
    assertThat(TcpReset.answer(reset, reset.length)).isNull();
    byte[] fragment = hex(KERNEL_SYN);
    fragment[14 + 6] = 0x20; // more fragments
    assertThat(TcpReset.answer(fragment, fragment.length)).isNull();
    byte[] udp = hex(KERNEL_SYN);
    udp[14 + 9] = 17;
    assertThat(TcpReset.answer(udp, udp.length)).isNull();
    byte[] arp = hex(KERNEL_SYN);
    arp[12] = 0x08;
    arp[13] = 0x06;
    assertThat(TcpReset.answer(arp, arp.length)).isNull();
    byte[] syn = hex(KERNEL_SYN);
    assertThat(TcpReset.answer(syn, 14 + 20 + 12)).isNull();
  }

  @Test
  void aLengthBeyondTheBufferIsRefusedByName() {
    assertThatThrownBy(() -> TcpReset.answer(new byte[10], 11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length 11");
  }
}
