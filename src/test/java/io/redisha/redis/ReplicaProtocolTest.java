package io.redisha.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redisha.redis.ReplicaProtocol.PsyncStart;
import io.redisha.redis.ReplicaProtocol.Reply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplicaProtocolTest {
  private static final String MARK = "0123456789abcdef0123456789abcdef01234567";

  @Test
  void encodesACommandAsAnArrayOfBulkStrings() {
    assertThat(new String(ReplicaProtocol.command("REPLCONF", "ACK", "42"), StandardCharsets.UTF_8))
        .isEqualTo("*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$2\r\n42\r\n");
    assertThat(ReplicaProtocol.command("SET", "k", "é"))
        .endsWith("$2\r\n\u00c3\u00a9\r\n".getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void readsStatusErrorIntegerAndBulkReplies() throws IOException {
    InputStream in = stream("+OK\r\n-NOPERM no psync\r\n:7\r\n$11\r\nrole:master\r\n$-1\r\n");
    assertThat(ReplicaProtocol.readReply(in)).isEqualTo(new Reply(false, "OK"));
    assertThat(ReplicaProtocol.readReply(in)).isEqualTo(new Reply(true, "NOPERM no psync"));
    assertThat(ReplicaProtocol.readReply(in)).isEqualTo(new Reply(false, "7"));
    assertThat(ReplicaProtocol.readReply(in)).isEqualTo(new Reply(false, "role:master"));
    assertThat(ReplicaProtocol.readReply(in)).isEqualTo(new Reply(false, ""));
    assertThatThrownBy(() -> ReplicaProtocol.readReply(in)).isInstanceOf(EOFException.class);
  }

  @Test
  void refusesAReplyOfAnUnknownTypeOrACutBulk() {
    assertThatThrownBy(() -> ReplicaProtocol.readReply(stream("*2\r\n")))
        .hasMessageContaining("unknown type: '*2'");
    assertThatThrownBy(() -> ReplicaProtocol.readReply(stream("$10\r\nshort\r\n")))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("inside a bulk reply");
    assertThatThrownBy(() -> ReplicaProtocol.readReply(stream("$x\r\n")))
        .hasMessageContaining("bulk reply that is not a number: 'x'");
  }

  @Test
  void findsInfoFields() {
    String info = "# Replication\r\nrole:master\r\nmaster_replid:abc\r\nmaster_repl_offset:99\r\n";
    assertThat(ReplicaProtocol.infoField(info, "master_replid")).hasValue("abc");
    assertThat(ReplicaProtocol.infoField(info, "master_repl_offset")).hasValue("99");
    assertThat(ReplicaProtocol.infoField(info, "master_repl")).isEmpty();
  }

  @Test
  void aPsyncReplyGivesTheOffsetTheStreamStartsAfter() throws IOException {
    assertThat(ReplicaProtocol.psyncStart("FULLRESYNC " + MARK + " 1234", 77))
        .isEqualTo(new PsyncStart(true, 1234));
    assertThat(ReplicaProtocol.psyncStart("CONTINUE " + MARK, 77))
        .isEqualTo(new PsyncStart(false, 76));
    assertThat(ReplicaProtocol.psyncStart("CONTINUE", 1)).isEqualTo(new PsyncStart(false, 0));
    assertThatThrownBy(() -> ReplicaProtocol.psyncStart("NOMASTERLINK", 1))
        .hasMessage("our Redis answered PSYNC with 'NOMASTERLINK'");
    assertThatThrownBy(() -> ReplicaProtocol.psyncStart("FULLRESYNC " + MARK, 1))
        .hasMessageContaining("answered PSYNC with");
  }

  @Test
  void skipsAnRdbPayloadOfKnownLengthAfterTheKeepaliveNewlines() throws IOException {
    byte[] payload = randomBytes(200_000, 1);
    byte[] after = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    InputStream in = trickle(concat(ascii("\n\n\n$" + payload.length + "\r\n"), payload, after), 5);

    assertThat(ReplicaProtocol.skipRdb(in)).isEqualTo(payload.length);
    assertThat(in.readAllBytes()).as("the stream after the payload is left").isEqualTo(after);
  }

  @Test
  void skipsADisklessPayloadUpToItsEndMark() throws IOException {
    byte[] payload = randomBytes(300_000, 2);
    // A near miss: the mark but its last byte, inside the payload.
    byte[] nearMiss = ascii(MARK.substring(0, 39) + "X");
    byte[] body = concat(payload, nearMiss, payload);
    for (int largestRead : new int[] {1, 7, 40, 64 * 1024}) {
      InputStream in =
          trickle(concat(ascii("\n$EOF:" + MARK + "\r\n"), body, ascii(MARK)), largestRead);
      assertThat(ReplicaProtocol.skipRdb(in))
          .as("reads of at most " + largestRead)
          .isEqualTo(body.length);
    }
  }

  @Test
  void aPayloadCutShortOrMalformedIsAnError() {
    assertThatThrownBy(() -> ReplicaProtocol.skipRdb(stream("\n\n")))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("before the RDB payload");
    assertThatThrownBy(() -> ReplicaProtocol.skipRdb(stream("+OK\r\n")))
        .hasMessageContaining("where the RDB payload's '$' header belongs");
    assertThatThrownBy(() -> ReplicaProtocol.skipRdb(stream("$10\r\nabc")))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("after 3 of 10 RDB bytes");
    assertThatThrownBy(() -> ReplicaProtocol.skipRdb(stream("$EOF:short\r\nabc")))
        .hasMessageContaining("end mark of 5 bytes, not 40");
    assertThatThrownBy(() -> ReplicaProtocol.skipRdb(stream("$EOF:" + MARK + "\r\nabc")))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("after 3 bytes of a diskless RDB payload");
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(ascii(text));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** A stream whose reads return at most {@code largestRead} bytes, as a socket's may. */
  private static InputStream trickle(byte[] bytes, int largestRead) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        return super.read(buffer, offset, Math.min(length, largestRead));
      }

      @Override
      public int read(byte[] buffer) throws IOException {
        return read(buffer, 0, buffer.length);
      }
    };
  }
}
