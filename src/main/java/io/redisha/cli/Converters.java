package io.redisha.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values checked while parsing, so a bad one is a usage error that names its option. */
final class Converters {
  private Converters() {}

  static int wholeNumber(String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("not a number: " + text);
    }
  }

  static int inRange(String text, int min, int max) {
    int value = wholeNumber(text);
    if (value < min || value > max) {
      throw new TypeConversionException("must be " + min + " to " + max + ", not " + value);
    }
    return value;
  }

  /** A whole number. */
  static final class WholeNumber implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
      return wholeNumber(text);
    }
  }

  /** A TCP port to listen on, 1 to 65535. */
  static final class Port implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
      return inRange(text, 1, 65535);
    }
  }

  /** A TCP port to listen on, 0 (any free port) to 65535. */
  static final class PortOrAny implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
      return inRange(text, 0, 65535);
    }
  }

  /** An IP address, or a host name resolved once at start. */
  static final class Address implements ITypeConverter<InetAddress> {
    @Override
    public InetAddress convert(String text) {
      try {
        return InetAddress.getByName(text.strip());
      } catch (UnknownHostException e) {
        throw new TypeConversionException("not an address of this host's resolver: " + text);
      }
    }
  }
}
