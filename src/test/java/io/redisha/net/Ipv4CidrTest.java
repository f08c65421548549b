package io.redisha.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ipv4CidrTest {

  @Test
  void parsesAddressAndPrefixKeepingHostBits() {
    Ipv4Cidr cidr = Ipv4Cidr.parse("192.0.2.100/24");
    assertThat(cidr.address().getHostAddress()).isEqualTo("192.0.2.100");
    assertThat(cidr.prefixLength()).isEqualTo(24);
    assertThat(cidr.addressBytes()).containsExactly(192, 0, 2, 100);
    assertThat(cidr).hasToString("192.0.2.100/24");
    assertThat(Ipv4Cidr.parse("0.0.0.0/0")).hasToString("0.0.0.0/0");
    assertThat(Ipv4Cidr.parse("255.255.255.255/32").prefixLength()).isEqualTo(32);
    assertThat(cidr).isEqualTo(Ipv4Cidr.parse("192.0.2.100/24"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "192.0.2.100|not an IPv4 CIDR: '192.0.2.100': expected a.b.c.d/prefix",
        "''|not an IPv4 CIDR: '': expected a.b.c.d/prefix",
        "192.0.2/24|not an IPv4 CIDR: '192.0.2/24': expected a.b.c.d/prefix",
        "192.0.2.1.5/24|not an IPv4 CIDR: '192.0.2.1.5/24': expected a.b.c.d/prefix",
        "192.0.2.x/24|not an IPv4 CIDR: '192.0.2.x/24': expected a.b.c.d/prefix",
        "192.0.2.1/|not an IPv4 CIDR: '192.0.2.1/': expected a.b.c.d/prefix",
        "192.0.2.1/24/1|not an IPv4 CIDR: '192.0.2.1/24/1': expected a.b.c.d/prefix",
        "' 192.0.2.1/24'|not an IPv4 CIDR: ' 192.0.2.1/24': expected a.b.c.d/prefix",
        "192.0.2.1/-1|not an IPv4 CIDR: '192.0.2.1/-1': expected a.b.c.d/prefix",
        "example.com/24|not an IPv4 CIDR: 'example.com/24': expected a.b.c.d/prefix",
        "2001:db8::1/64|not an IPv4 CIDR: '2001:db8::1/64': expected a.b.c.d/prefix",
        "192.0.2.256/24|not an IPv4 CIDR: '192.0.2.256/24': octet 256 is out of range 0-255",
        "192.0.2.1/33|not an IPv4 CIDR: '192.0.2.1/33': prefix length 33 is out of range 0-32",
      })
  void rejectsBadTextWithTheReason(String text, String message) {
    assertThatThrownBy(() -> Ipv4Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> Ipv4Cidr.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an IPv4 CIDR: null: expected a.b.c.d/prefix");
  }

  @Test
  void parsesPlainAddressesWithoutDns() {
    assertThat(Ipv4Cidr.parseAddress("198.51.100.7").getHostAddress()).isEqualTo("198.51.100.7");
    assertThatThrownBy(() -> Ipv4Cidr.parseAddress("localhost"))
        .hasMessage("not an IPv4 address: 'localhost': expected a.b.c.d");
    assertThatThrownBy(() -> Ipv4Cidr.parseAddress("1.2.3.999"))
        .hasMessage("not an IPv4 address: '1.2.3.999': octet 999 is out of range 0-255");
  }

  @Test
  void constructorChecksThePrefixLength() {
    assertThatThrownBy(() -> new Ipv4Cidr(Ipv4Cidr.parseAddress("192.0.2.1"), 40))
        .hasMessage("prefix length 40 is out of range 0-32");
  }
}
