package io.redisha.redis;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The RESP2 framing a replica speaks with its master during the handshake, and the framing of the
 * RDB payload a full resynchronization sends: pure functions over byte streams, so the {@link
 * WriteKeeper} can be checked without a socket.
 */
final class ReplicaProtocol {
  /**
   * Length of the random mark that opens and ends a diskless RDB transfer ({@code $EOF:<mark>}).
   */
  static final int EOF_MARK_LENGTH = 40;

  /** Longest reply line the handshake accepts: INFO's lines are short, a bulk header shorter. */
  private static final int MAX_LINE = 64 * 1024;

  private static final int CHUNK = 64 * 1024;

  private ReplicaProtocol() {}

  /**
   * A reply of the master.
   *
   * @param error whether it is an error reply ({@code -ERR ...}, {@code -NOPERM ...})
   * @param text the reply without its type byte: the status, the error, the bulk text or the digits
   */
  record Reply(boolean error, String text) {
    Reply {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * What a master answered to {@code PSYNC}.
   *
   * @param full whether it starts a full resynchronization (an RDB payload follows)
   * @param offset the replication offset the stream starts after: the {@code +FULLRESYNC} offset,
   *     or for {@code +CONTINUE} the offset asked for minus one
   */
  record PsyncStart(boolean full, long offset) {}

  /** The RESP2 array of bulk strings that sends {@code args} as one command. */
  static byte[] command(String... args) {
    StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
    }
    return request.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One line up to its CRLF (a bare LF also ends it), without the line end. */
  static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("our Redis closed the connection in the middle of a reply");
      }
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new IOException("our Redis sent a reply line longer than " + MAX_LINE + " bytes");
      }
      line.append((char) b);
    }
  }

  /** One reply: a status, an error, an integer or a bulk string (a nil bulk is empty text). */
  static Reply readReply(InputStream in) throws IOException {
    String line = readLine(in);
    if (line.isEmpty()) {
      throw new IOException("our Redis sent an empty reply line");
    }
    String rest = line.substring(1);
    return switch (line.charAt(0)) {
      case '+', ':' -> new Reply(false, rest);
      case '-' -> new Reply(true, rest);
      case '$' -> {
        long length = parseLength(rest, "bulk reply");
        if (length < 0) {
          yield new Reply(false, "");
        }
        if (length > Integer.MAX_VALUE - 2) {
          throw new IOException("our Redis sent a bulk reply of " + length + " bytes");
        }
        byte[] body = in.readNBytes((int) length + 2);
        if (body.length < length + 2) {
          throw new EOFException("our Redis closed the connection inside a bulk reply");
        }
        yield new Reply(false, new String(body, 0, (int) length, StandardCharsets.UTF_8));
      }
      default -> throw new IOException("our Redis sent a reply of an unknown type: '" + line + "'");
    };
  }

  /** The value of {@code name:value} in INFO text, if the field is there. */
  static Optional<String> infoField(String info, String name) {
    String prefix = name + ":";
    for (String line : info.split("\n")) {
      String stripped = line.strip();
      if (stripped.startsWith(prefix)) {
        return Optional.of(stripped.substring(prefix.length()));
      }
    }
    return Optional.empty();
  }

  /**
   * The start of the stream a {@code PSYNC <replid> <askedOffset>} reply announces: {@code
   * +FULLRESYNC <replid> <offset>} or {@code +CONTINUE [<replid>]}.
   *
   * @throws IOException when the reply is neither
   */
  static PsyncStart psyncStart(String status, long askedOffset) throws IOException {
    String[] words = status.strip().split(" +");
    if (words[0].equals("FULLRESYNC") && words.length == 3) {
      return new PsyncStart(true, parseLength(words[2], "+FULLRESYNC offset"));
    }
    if (words[0].equals("CONTINUE") && words.length <= 2) {
      return new PsyncStart(false, askedOffset - 1);
    }
    throw new IOException("our Redis answered PSYNC with '" + status + "'");
  }

  /**
   * Reads and discards the RDB payload of a full resynchronization: the newlines the master sends
   * while it prepares the payload, then either {@code $<length>\r\n} and that many bytes, or
   * (diskless) {@code $EOF:<mark>\r\n} and bytes up to the same 40-byte mark. Bytes after the mark
   * in the last read are dropped too: they are the replication stream, which the keeper discards.
   *
   * @return the payload bytes skipped (without the mark)
   */
  static long skipRdb(InputStream in) throws IOException {
    int b;
    do {
      b = in.read();
    } while (b == '\n');
    if (b < 0) {
      throw new EOFException("our Redis closed the connection before the RDB payload");
    }
    if (b != '$') {
      throw new IOException(
          "our Redis sent byte " + b + " where the RDB payload's '$' header belongs");
    }
    String header = readLine(in);
    if (header.startsWith("EOF:")) {
      byte[] mark = header.substring(4).getBytes(StandardCharsets.ISO_8859_1);
      if (mark.length != EOF_MARK_LENGTH) {
        throw new IOException(
            "our Redis sent an RDB end mark of " + mark.length + " bytes, not " + EOF_MARK_LENGTH);
      }
      return skipToMark(in, mark);
    }
    long length = parseLength(header, "RDB payload length");
    if (length < 0) {
      throw new IOException("our Redis sent a negative RDB payload length: " + length);
    }
    long skipped = 0;
    byte[] chunk = new byte[CHUNK];
    while (skipped < length) {
      int n = in.read(chunk, 0, (int) Math.min(chunk.length, length - skipped));
      if (n < 0) {
        throw new EOFException(
            "our Redis closed the connection after " + skipped + " of " + length + " RDB bytes");
      }
      skipped += n;
    }
    return length;
  }

  private static long skipToMark(InputStream in, byte[] mark) throws IOException {
    byte[] recent = new byte[EOF_MARK_LENGTH];
    long seen = 0;
    byte[] chunk = new byte[CHUNK];
    byte last = mark[EOF_MARK_LENGTH - 1];
    while (true) {
      int n = in.read(chunk);
      if (n < 0) {
        throw new EOFException(
            "our Redis closed the connection after " + seen + " bytes of a diskless RDB payload");
      }
      for (int i = 0; i < n; i++) {
        recent[(int) (seen % EOF_MARK_LENGTH)] = chunk[i];
        seen++;
        if (chunk[i] == last && seen >= EOF_MARK_LENGTH && endsWith(recent, seen, mark)) {
          return seen - EOF_MARK_LENGTH;
        }
      }
    }
  }

  /** Whether the last 40 bytes of the ring {@code recent}, {@code seen} bytes in all, are mark. */
  private static boolean endsWith(byte[] recent, long seen, byte[] mark) {
    int start = (int) (seen % EOF_MARK_LENGTH);
    byte[] ordered = new byte[EOF_MARK_LENGTH];
    System.arraycopy(recent, start, ordered, 0, EOF_MARK_LENGTH - start);
    System.arraycopy(recent, 0, ordered, EOF_MARK_LENGTH - start, start);
    return Arrays.equals(ordered, mark);
  }

  private static long parseLength(String text, String what) throws IOException {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new IOException("our Redis sent a " + what + " that is not a number: '" + text + "'");
    }
  }
}
