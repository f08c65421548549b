package io.redisha.cli;

/** {@code redisha vrrp --config FILE}: one VRRP instance, for watching beside keepalived. */
final class VrrpDemoCommand {
  private VrrpDemoCommand() {}

  static int run(String[] args) {
    System.err.println("redisha vrrp: not built yet");
    return 2;
  }
}
