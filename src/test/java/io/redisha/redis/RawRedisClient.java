package io.redisha.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal RESP2 client on its own socket: plays "some other client" of the Redis under test,
 * independent of lettuce. {@link #call} returns simple strings and bulk strings as their text,
 * integers as digits, errors with their leading {@code -}.
 */
final class RawRedisClient implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  RawRedisClient(String host, int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 2000);
    socket.setSoTimeout(10_000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  String call(String... args) throws IOException {
    StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
    }
    out.write(request.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    return readReply();
  }

  private String readReply() throws IOException {
    String line = in.readLine();
    if (line == null) {
      throw new IOException("connection closed by the server");
    }
    return switch (line.charAt(0)) {
      case '+', ':' -> line.substring(1);
      case '-' -> line;
      case '$' -> {
        int length = Integer.parseInt(line.substring(1));
        if (length < 0) {
          yield "(nil)";
        }
        char[] body = new char[length + 2];
        int read = 0;
        while (read < body.length) {
          int n = in.read(body, read, body.length - read);
          if (n < 0) {
            throw new IOException("connection closed inside a bulk reply");
          }
          read += n;
        }
        yield new String(body, 0, length);
      }
      default -> throw new IOException("unexpected reply: " + line);
    };
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
