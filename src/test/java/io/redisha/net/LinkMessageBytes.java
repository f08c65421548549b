package io.redisha.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-built RTM_NEWLINK / RTM_DELLINK payloads, laid out as the kernel sends them. */
final class LinkMessageBytes {
  private LinkMessageBytes() {}

  static RtnetlinkMessages.Message link(
      int type, int index, int flags, String name, int operState, int carrier) {
    ByteBuffer payload = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    payload.put((byte) 0).put((byte) 0).putShort((short) 1).putInt(index).putInt(flags).putInt(0);
    if (name != null) {
      byte[] text = (name + "\0").getBytes(StandardCharsets.US_ASCII);
      attribute(payload, RtnetlinkMessages.IFLA_IFNAME, text);
    }
    if (operState >= 0) {
      attribute(payload, RtnetlinkMessages.IFLA_OPERSTATE, new byte[] {(byte) operState});
    }
    if (carrier >= 0) {
      attribute(payload, RtnetlinkMessages.IFLA_CARRIER, new byte[] {(byte) carrier});
    }
    byte[] bytes = new byte[payload.position()];
    payload.flip().get(bytes);
    return new RtnetlinkMessages.Message(type, 0, 0, bytes);
  }

  static RtnetlinkMessages.Message newLink(int index, int flags, String name, int operState) {
    return link(RtnetlinkMessages.RTM_NEWLINK, index, flags, name, operState, -1);
  }

  static RtnetlinkMessages.Message delLink(int index, String name) {
    return link(RtnetlinkMessages.RTM_DELLINK, index, 0x1002, name, 2, -1);
  }

  /** IFF_UP | IFF_RUNNING | IFF_LOWER_UP, plus BROADCAST and MULTICAST as on a veth. */
  static final int USABLE_FLAGS = 0x11043;

  private static void attribute(ByteBuffer buffer, int type, byte[] value) {
    buffer.putShort((short) (4 + value.length)).putShort((short) type).put(value);
    while (buffer.position() % 4 != 0) {
      buffer.put((byte) 0);
    }
  }
}
