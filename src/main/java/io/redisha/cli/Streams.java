package io.redisha.cli;

import java.io.PrintStream;

/** Where a command prints: its results on {@code out}, problems on {@code err}. */
record Streams(PrintStream out, PrintStream err) {}
