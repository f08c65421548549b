package io.redisha.net;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code inside another network namespace. Linux keeps the network namespace per thread, and a
 * socket keeps the namespace it was created in for its whole life; so the code runs on a fresh
 * platform thread that first joins the namespace with {@code setns(2)}, and the thread ends with
 * the call, leaving every other thread where it was.
 *
 * <p>Only what the code does on that thread happens in the namespace: sockets it opens (raw,
 * netlink, packet, even {@code java.net} ones) stay there afterwards and can be used from any
 * thread; work it hands to other threads (executors, Netty event loops) does not.
 */
public final class NetworkNamespaces {
  private NetworkNamespaces() {}

  /** Where {@code ip netns add NAME} pins a named namespace. */
  public static Path namedNamespaceFile(String name) {
    return Path.of("/run/netns", name);
  }

  /**
   * Calls {@code action} on a new thread inside the namespace pinned at {@code namespaceFile} and
   * returns its result; an exception from the action is rethrown as it is.
   */
  public static <T> T call(Path namespaceFile, Callable<T> action) throws Exception {
    Objects.requireNonNull(namespaceFile, "namespaceFile");
    Objects.requireNonNull(action, "action");
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicReference<Error> error = new AtomicReference<>();
    Thread thread =
        Thread.ofPlatform()
            .name("netns " + namespaceFile.getFileName())
            .daemon(true)
            .unstarted(
                () -> {
                  try {
                    enter(namespaceFile);
                    result.set(action.call());
                  } catch (Exception e) {
                    failure.set(e);
                  } catch (Error e) {
                    error.set(e);
                  }
                });
    thread.start();
    thread.join();
    if (error.get() != null) {
      throw error.get();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return result.get();
  }

  private static void enter(Path namespaceFile) throws NativeCallException {
    int fd = Libc.open(namespaceFile.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
    try {
      Libc.setns("network namespace " + namespaceFile, fd, Libc.CLONE_NEWNET);
    } finally {
      Libc.close("network namespace " + namespaceFile, fd);
    }
  }
}
