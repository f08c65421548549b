package io.redisha.cli;

import java.util.Arrays;

/** Entry point of the redisha command: dispatches to one subcommand. */
public final class Main {
  private Main() {}

  static final String USAGE =
      """
      usage: redisha <command> [options]

      commands:
        lab        build two simulated hosts in network namespaces and run failovers (root)
        bench      write gap and lost writes per fault, redisha beside keepalived and Sentinel (root)
        agent      run one node of a pair: redisha agent --config pair.yaml --node vm-a
        vrrp       run one VRRP instance from a YAML file (demo, keepalived as the peer)
        operator   run the Kubernetes operator
        import     turn a keepalived.conf into a pair file: redisha import /etc/keepalived/keepalived.conf
        help       this text
      """;

  public static void main(String[] args) throws Exception {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs one command and returns its exit code. */
  public static int run(String[] args) throws Exception {
    if (args.length == 0) {
      System.out.print(USAGE);
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "lab" -> io.redisha.lab.LabCommand.run(rest);
      case "bench" -> io.redisha.bench.BenchCommand.run(rest);
      case "vrrp" -> VrrpDemoCommand.run(rest);
      case "agent" -> io.redisha.agent.AgentCommand.run(rest);
      case "operator" -> io.redisha.operator.OperatorCommand.run(rest);
      case "import" -> io.redisha.migrate.ImportCommand.run(rest);
      case "help", "-h", "--help" -> {
        System.out.print(USAGE);
        yield 0;
      }
      default -> {
        System.err.println("redisha: unknown command '" + args[0] + "'");
        System.err.print(USAGE);
        yield 2;
      }
    };
  }
}
