package io.redisha.net;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Encodes the rtnetlink address and link requests and decodes the kernel's answers and link
 * notifications (netlink(7), rtnetlink(7)). Pure: bytes in, bytes out, in the host's byte order as
 * netlink requires.
 */
final class RtnetlinkMessages {
  private RtnetlinkMessages() {}

  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int RTM_NEWLINK = 16;
  static final int RTM_DELLINK = 17;
  static final int RTM_GETLINK = 18;
  static final int RTM_NEWADDR = 20;
  static final int RTM_DELADDR = 21;
  static final int RTM_GETADDR = 22;
  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_MULTI = 0x2;
  static final int NLM_F_ACK = 0x4;
  static final int NLM_F_DUMP_INTR = 0x10;
  static final int NLM_F_ROOT = 0x100;
  static final int NLM_F_MATCH = 0x200;
  static final int NLM_F_EXCL = 0x200;
  static final int NLM_F_CREATE = 0x400;
  static final int IFA_ADDRESS = 1;
  static final int IFA_LOCAL = 2;
  static final int IFLA_IFNAME = 3;
  static final int IFLA_OPERSTATE = 16;
  static final int IFLA_CARRIER = 33;
  static final int IFF_UP = 0x1;
  static final int IFF_RUNNING = 0x40;
  static final int IFF_LOWER_UP = 0x10000;

  /** The multicast group of link notifications ({@code RTMGRP_LINK}), as a bind(2) mask. */
  static final int RTMGRP_LINK = 0x1;

  static final int HEADER_LENGTH = 16;
  static final int IFADDRMSG_LENGTH = 8;
  static final int IFINFOMSG_LENGTH = 16;
  private static final int NLA_TYPE_MASK = 0x3fff;
  private static final int RT_SCOPE_UNIVERSE = 0;

  /** One netlink message: header fields and the payload after the 16-byte header. */
  record Message(int type, int flags, int sequence, byte[] payload) {}

  /** One IPv4 address from an RTM_NEWADDR answer. */
  record AddressEntry(int interfaceIndex, int prefixLength, byte[] local) {}

  /** RTM_NEWADDR that fails with EEXIST when the address is already there. */
  static byte[] newAddress(int sequence, int interfaceIndex, Ipv4Cidr address) {
    return addressRequest(
        RTM_NEWADDR,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        sequence,
        interfaceIndex,
        address);
  }

  /** RTM_DELADDR that fails with EADDRNOTAVAIL when the address is not there. */
  static byte[] deleteAddress(int sequence, int interfaceIndex, Ipv4Cidr address) {
    return addressRequest(
        RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, sequence, interfaceIndex, address);
  }

  /** RTM_GETADDR dump of every IPv4 address in the namespace. */
  static byte[] dumpAddresses(int sequence) {
    ByteBuffer buffer = buffer(HEADER_LENGTH + IFADDRMSG_LENGTH);
    header(
        buffer,
        HEADER_LENGTH + IFADDRMSG_LENGTH,
        RTM_GETADDR,
        NLM_F_REQUEST | NLM_F_ROOT | NLM_F_MATCH,
        sequence);
    buffer.put((byte) Libc.AF_INET).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0);
    return buffer.array();
  }

  /**
   * RTM_GETLINK for one interface by name: the kernel answers with one RTM_NEWLINK carrying the
   * request's sequence, or an NLMSG_ERROR with ENODEV when there is no such interface.
   */
  static byte[] getLink(int sequence, String interfaceName) {
    byte[] name = Libc.interfaceNameBytes(interfaceName);
    byte[] terminated = Arrays.copyOf(name, name.length + 1);
    int length = HEADER_LENGTH + IFINFOMSG_LENGTH + align(4 + terminated.length);
    ByteBuffer buffer = buffer(length);
    header(buffer, length, RTM_GETLINK, NLM_F_REQUEST, sequence);
    buffer.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0);
    attribute(buffer, IFLA_IFNAME, terminated);
    return buffer.array();
  }

  /**
   * The interface an RTM_NEWLINK or RTM_DELLINK message describes (struct ifinfomsg and its
   * attributes), if it is one; a deleted interface comes back {@link LinkState.Presence#GONE}.
   */
  static Optional<LinkState> link(Message message) {
    byte[] payload = message.payload();
    if ((message.type() != RTM_NEWLINK && message.type() != RTM_DELLINK)
        || payload.length < IFINFOMSG_LENGTH) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder());
    int index = buffer.getInt(4);
    int flags = buffer.getInt(8);
    String name = null;
    int operState = 0;
    boolean carrier = true;
    int offset = IFINFOMSG_LENGTH;
    while (offset + 4 <= payload.length) {
      int attributeLength = Short.toUnsignedInt(buffer.getShort(offset));
      int attributeType = Short.toUnsignedInt(buffer.getShort(offset + 2)) & NLA_TYPE_MASK;
      if (attributeLength < 4 || offset + attributeLength > payload.length) {
        break;
      }
      int valueLength = attributeLength - 4;
      int value = offset + 4;
      if (attributeType == IFLA_IFNAME && valueLength > 0) {
        int end = value;
        while (end < value + valueLength && payload[end] != 0) {
          end++;
        }
        name = new String(payload, value, end - value, StandardCharsets.US_ASCII);
      } else if (attributeType == IFLA_OPERSTATE && valueLength >= 1) {
        operState = Byte.toUnsignedInt(payload[value]);
      } else if (attributeType == IFLA_CARRIER && valueLength >= 1) {
        carrier = payload[value] != 0;
      }
      offset += align(attributeLength);
    }
    if (name == null) {
      return Optional.empty();
    }
    if (message.type() == RTM_DELLINK) {
      return Optional.of(LinkState.gone(name, index));
    }
    return Optional.of(
        new LinkState(
            name,
            index,
            LinkState.Presence.PRESENT,
            (flags & IFF_UP) != 0,
            (flags & IFF_LOWER_UP) != 0 && carrier,
            (flags & IFF_RUNNING) != 0,
            LinkState.OperState.fromKernel(operState)));
  }

  private static byte[] addressRequest(
      int type, int flags, int sequence, int interfaceIndex, Ipv4Cidr address) {
    int length = HEADER_LENGTH + IFADDRMSG_LENGTH + 2 * 8;
    ByteBuffer buffer = buffer(length);
    header(buffer, length, type, flags, sequence);
    buffer
        .put((byte) Libc.AF_INET)
        .put((byte) address.prefixLength())
        .put((byte) 0)
        .put((byte) RT_SCOPE_UNIVERSE)
        .putInt(interfaceIndex);
    attribute(buffer, IFA_LOCAL, address.addressBytes());
    attribute(buffer, IFA_ADDRESS, address.addressBytes());
    return buffer.array();
  }

  /** Splits a received buffer into messages; throws on a truncated or malformed one. */
  static List<Message> parse(byte[] data, int length) {
    ByteBuffer buffer = ByteBuffer.wrap(data, 0, length).order(ByteOrder.nativeOrder());
    List<Message> messages = new ArrayList<>();
    while (buffer.remaining() >= HEADER_LENGTH) {
      int start = buffer.position();
      int messageLength = buffer.getInt();
      int type = Short.toUnsignedInt(buffer.getShort());
      int flags = Short.toUnsignedInt(buffer.getShort());
      int sequence = buffer.getInt();
      buffer.getInt();
      if (messageLength < HEADER_LENGTH || start + messageLength > length) {
        throw new IllegalArgumentException(
            "malformed netlink message: length " + messageLength + " at offset " + start);
      }
      byte[] payload = Arrays.copyOfRange(data, start + HEADER_LENGTH, start + messageLength);
      messages.add(new Message(type, flags, sequence, payload));
      buffer.position(Math.min(length, start + align(messageLength)));
    }
    return messages;
  }

  /** The error code of an NLMSG_ERROR message: 0 for an acknowledgement, else minus errno. */
  static int errorCode(Message message) {
    if (message.type() != NLMSG_ERROR || message.payload().length < 4) {
      throw new IllegalArgumentException("not a netlink error message: type " + message.type());
    }
    return ByteBuffer.wrap(message.payload()).order(ByteOrder.nativeOrder()).getInt();
  }

  /** The IPv4 address an RTM_NEWADDR message describes, if it describes one. */
  static Optional<AddressEntry> address(Message message) {
    byte[] payload = message.payload();
    if (message.type() != RTM_NEWADDR
        || payload.length < IFADDRMSG_LENGTH
        || payload[0] != Libc.AF_INET) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder());
    int prefixLength = Byte.toUnsignedInt(buffer.get(1));
    int interfaceIndex = buffer.getInt(4);
    byte[] local = null;
    byte[] address = null;
    int offset = IFADDRMSG_LENGTH;
    while (offset + 4 <= payload.length) {
      int attributeLength = Short.toUnsignedInt(buffer.getShort(offset));
      int attributeType = Short.toUnsignedInt(buffer.getShort(offset + 2));
      if (attributeLength < 4 || offset + attributeLength > payload.length) {
        break;
      }
      if (attributeLength == 8 && attributeType == IFA_LOCAL) {
        local = Arrays.copyOfRange(payload, offset + 4, offset + 8);
      } else if (attributeLength == 8 && attributeType == IFA_ADDRESS) {
        address = Arrays.copyOfRange(payload, offset + 4, offset + 8);
      }
      offset += align(attributeLength);
    }
    byte[] chosen = local != null ? local : address;
    return chosen == null
        ? Optional.empty()
        : Optional.of(new AddressEntry(interfaceIndex, prefixLength, chosen));
  }

  /** Whether an entry is the given address with the given prefix on the given interface. */
  static boolean matches(AddressEntry entry, int interfaceIndex, Ipv4Cidr address) {
    Inet4Address wanted = address.address();
    return entry.interfaceIndex() == interfaceIndex
        && entry.prefixLength() == address.prefixLength()
        && Arrays.equals(entry.local(), wanted.getAddress());
  }

  private static ByteBuffer buffer(int length) {
    return ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
  }

  private static void header(ByteBuffer buffer, int length, int type, int flags, int sequence) {
    buffer.putInt(length).putShort((short) type).putShort((short) flags).putInt(sequence);
    buffer.putInt(0);
  }

  private static void attribute(ByteBuffer buffer, int type, byte[] value) {
    buffer.putShort((short) (4 + value.length)).putShort((short) type).put(value);
    for (int pad = align(4 + value.length) - (4 + value.length); pad > 0; pad--) {
      buffer.put((byte) 0);
    }
  }

  private static int align(int length) {
    return (length + 3) & ~3;
  }
}
