package io.redisha.net;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Encodes the rtnetlink address requests and decodes the kernel's answers (netlink(7),
 * rtnetlink(7)). Pure: bytes in, bytes out, in the host's byte order as netlink requires.
 */
final class RtnetlinkMessages {
  private RtnetlinkMessages() {}

  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int RTM_NEWADDR = 20;
  static final int RTM_DELADDR = 21;
  static final int RTM_GETADDR = 22;
  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_MULTI = 0x2;
  static final int NLM_F_ACK = 0x4;
  static final int NLM_F_ROOT = 0x100;
  static final int NLM_F_MATCH = 0x200;
  static final int NLM_F_EXCL = 0x200;
  static final int NLM_F_CREATE = 0x400;
  static final int IFA_ADDRESS = 1;
  static final int IFA_LOCAL = 2;
  static final int HEADER_LENGTH = 16;
  static final int IFADDRMSG_LENGTH = 8;
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
