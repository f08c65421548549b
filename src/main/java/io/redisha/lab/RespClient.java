package io.redisha.lab;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny blocking Redis client (RESP2) on a plain socket, for the lab's writers: its socket is
 * created on the calling thread, so it works inside a network namespace entered with setns.
 */
public final class RespClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** An error reply such as {@code READONLY ...}. */
  public static final class RedisError extends IOException {
    public RedisError(String message) {
      super(message);
    }
  }

  public RespClient(String host, int port, int connectTimeoutMillis, int readTimeoutMillis)
      throws IOException {
    socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(readTimeoutMillis);
      socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Sends one command and returns its reply: String, Long, List, or null. */
  public Object command(String... args) throws IOException {
    StringBuilder request = new StringBuilder();
    request.append('*').append(args.length).append("\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
    }
    out.write(request.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    return readReply();
  }

  private Object readReply() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new IOException("connection closed by Redis");
    }
    String line = readLine();
    return switch (type) {
      case '+' -> line;
      case '-' -> throw new RedisError(line);
      case ':' -> Long.parseLong(line);
      case '$' -> {
        int length = Integer.parseInt(line);
        if (length < 0) {
          yield null;
        }
        byte[] data = in.readNBytes(length + 2);
        yield new String(data, 0, length, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int count = Integer.parseInt(line);
        if (count < 0) {
          yield null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(readReply());
        }
        yield items;
      }
      default -> throw new IOException("unexpected RESP type " + (char) type);
    };
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed by Redis");
      }
      if (c == '\r') {
        in.read();
        return line.toString();
      }
      line.append((char) c);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing a broken socket has nothing left to report.
    }
  }
}
