package io.redisha.lab;

import java.nio.file.Path;
import java.util.List;

/**
 * A separate JVM that builds a lab and then exits without closing it ({@code exit}) or waits to be
 * killed ({@code wait}); prints the bridge namespace, the host namespace and the PID it started.
 */
public final class LabNetworkChild {
  private LabNetworkChild() {}

  public static void main(String[] args) throws Exception {
    LabNetwork lab = LabNetwork.create().addHost("vm-a", "192.0.2.11");
    Process sleeper = lab.start("vm-a", List.of("sleep", "300"), Path.of(args[1]));
    System.out.println(lab.bridgeNamespace() + " " + lab.namespace("vm-a") + " " + sleeper.pid());
    System.out.flush();
    if (args[0].equals("exit")) {
      System.exit(0);
    }
    Thread.sleep(300_000);
  }
}
