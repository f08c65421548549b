package io.redisha.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.redisha.migrate.KeepalivedImportTest.Run;
import io.redisha.pair.PairFile;
import io.redisha.pair.PairValidation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code redisha import} refuses, and how: every file the agent would refuse is refused here
 * with the file and line of the keepalived statement to change, and no bad input, however broken,
 * gets a stack trace or an emitted pair file the agent then refuses.
 */
class ImportRefusalTest {
  /** A file and line, or a whole file ({@code x.conf: no vrrp_instance found}). */
  private static final Pattern FILE_AND_LINE = Pattern.compile("\\.conf(:\\d+)?[:)]");

  @TempDir Path dir;

  /** One vrrp_instance of a pair 192.0.2.11 / 192.0.2.12 on eth0. */
  static String instance(String name, int routerId, String vip) {
    return """
        vrrp_instance %s {
            state BACKUP
            interface eth0
            virtual_router_id %d
            priority 100
            advert_int 1
            unicast_src_ip 192.0.2.11
            unicast_peer {
                192.0.2.12
            }
            virtual_ipaddress {
                %s
            }
        }
        """
        .formatted(name, routerId, vip);
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private static Run run(String... args) {
    return KeepalivedImportTest.run(args);
  }

  /** The line of the first occurrence of {@code text} in {@code file}. */
  private static int lineOf(Path file, String text) throws Exception {
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " not in " + file);
  }

  private static void assertRefusedCleanly(Run run) {
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.out()).as("nothing is emitted").isEmpty();
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void twoInstancesWithOneVirtualRouterIdAreRefusedNamingBothLines() throws Exception {
    Path conf =
        write(
            "keepalived.conf",
            instance("redis_a", 51, "192.0.2.100/24") + instance("redis_b", 51, "192.0.2.101/24"));
    Run run = run(conf.toString(), "--port", "redis_a=6379", "--port", "redis_b=6380");
    assertRefusedCleanly(run);
    assertThat(run.err())
        .contains(
            "keepalived.conf:18: virtual_router_id 51 of vrrp_instance redis_b is already used by"
                + " vrrp_instance redis_a (")
        .contains("keepalived.conf:4)");
  }

  @Test
  void twoInstancesWithOneVipAreRefusedNamingBothLines() throws Exception {
    Path conf =
        write(
            "keepalived.conf",
            instance("redis_a", 51, "192.0.2.100/24") + instance("redis_b", 52, "192.0.2.100/32"));
    Run run = run(conf.toString(), "--port", "redis_a=6379", "--port", "redis_b=6380");
    assertRefusedCleanly(run);
    assertThat(run.err())
        .contains(
            "keepalived.conf:26: VIP 192.0.2.100 of vrrp_instance redis_b is already the VIP of"
                + " vrrp_instance redis_a (")
        .contains("keepalived.conf:12)");
  }

  @Test
  void twoInstancesOnOneRedisPortAreRefusedNamingBoth() throws Exception {
    Path conf =
        write(
            "keepalived.conf",
            instance("redis_a", 51, "192.0.2.100/24") + instance("redis_b", 52, "192.0.2.101/24"));
    Run run = run(conf.toString(), "--port", "redis_a=6379", "--port", "redis_b=6379");
    assertRefusedCleanly(run);
    assertThat(run.err())
        .contains(
            "keepalived.conf:15: Redis port 6379 of vrrp_instance redis_b is already the port of"
                + " vrrp_instance redis_a (")
        .contains("keepalived.conf:1)")
        .contains("--port redis_b=PORT");
  }

  @Test
  void aVipThatIsANodeAddressIsRefusedAtItsLine() throws Exception {
    Path conf = write("keepalived.conf", instance("redis_a", 51, "192.0.2.12/24"));
    Run run = run(conf.toString(), "--port", "redis_a=6379");
    assertRefusedCleanly(run);
    assertThat(run.err()).contains("keepalived.conf:12: VIP 192.0.2.12 of vrrp_instance redis_a");
  }

  @Test
  void theDuplicatesOfThePeerFileAreRefusedToo() throws Exception {
    Path conf =
        write(
            "vm-a.conf",
            instance("redis_a", 51, "192.0.2.100/24") + instance("redis_b", 52, "192.0.2.101/24"));
    Path peer =
        write(
            "vm-b.conf",
            (instance("redis_a", 51, "192.0.2.100/24") + instance("redis_b", 51, "192.0.2.101/24"))
                .replace("unicast_src_ip 192.0.2.11", "unicast_src_ip 192.0.2.99")
                .replace("192.0.2.12\n", "192.0.2.11\n")
                .replace("unicast_src_ip 192.0.2.99", "unicast_src_ip 192.0.2.12"));
    Run run =
        run(
            conf.toString(),
            "--peer-conf",
            peer.toString(),
            "--port",
            "redis_a=6379",
            "--port",
            "redis_b=6380");
    assertRefusedCleanly(run);
    assertThat(run.err())
        .contains("peer file: ")
        .contains("vm-b.conf:18: virtual_router_id 51 of vrrp_instance redis_b is already used");
  }

  /** What only the agent's own rules catch is still refused at the keepalived line. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // VRRPv3 carries the interval in centiseconds, at most 40.95 s.
        "advert_int 1|version 3\\n    advert_int 60|advert_int 60|vrrp.advertIntervalMillis",
        "192.0.2.12\\n|192.0.2.12 min_ttl 0\\n|192.0.2.12 min_ttl 0|vrrp.minTtl",
        // keepalived sends VRRPv3 without the PASS password; the agent refuses the pair.
        "advert_int 1|version 3\\n    authentication {\\n        auth_pass secret\\n    }"
            + "|auth_pass secret|VRRPv3 has no authentication",
      })
  void whatTheAgentWouldRefuseIsRefusedAtTheKeepalivedLine(
      String from, String to, String lineText, String field) throws Exception {
    String text =
        instance("redis_a", 51, "192.0.2.100/24")
            .replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
    Path conf = write("keepalived.conf", text);
    Run run = run(conf.toString(), "--port", "redis_a=6379");
    assertRefusedCleanly(run);
    assertThat(run.err())
        .contains("keepalived.conf:" + lineOf(conf, lineText) + ": ")
        .contains(field);
  }

  /**
   * keepalived has a password per instance, and so has a redisha group: two instances with
   * different auth_pass values become two groups with a password file each (once refused, when the
   * pair had one password).
   */
  @Test
  void instancesWithDifferentPasswordsBecomeGroupsWithAPasswordFileEach() throws Exception {
    String auth = "    authentication {\n        auth_type PASS\n        auth_pass %s\n    }\n";
    Path conf =
        write(
            "keepalived.conf",
            instance("redis_a", 51, "192.0.2.100/24")
                    .replace("    advert_int 1\n", "    advert_int 1\n" + auth.formatted("one"))
                + instance("redis_b", 52, "192.0.2.101/24")
                    .replace("    advert_int 1\n", "    advert_int 1\n" + auth.formatted("two")));
    Path passwords = dir.resolve("vrrp-password");
    Run run =
        run(
            conf.toString(),
            "--port",
            "redis_a=6379",
            "--port",
            "redis_b=6380",
            "--auth-password-file",
            passwords.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(
            "# "
                + passwords
                + "-redis-a holds the auth_pass of "
                + conf
                + ":"
                + lineOf(conf, "auth_pass one")
                + " (mode 600).")
        .contains(
            "# "
                + passwords
                + "-redis-b holds the auth_pass of "
                + conf
                + ":"
                + lineOf(conf, "auth_pass two")
                + " (mode 600).")
        .doesNotContain("one)")
        .doesNotContain(" two");
    var loaded = PairFile.parse(run.out(), "out", "pair");
    assertThat(loaded.spec().getVrrp().getAuthPasswordFile()).isNull();
    assertThat(loaded.spec().getInstances())
        .extracting(i -> i.getAuth().getPasswordFile())
        .containsExactly(passwords + "-redis-a", passwords + "-redis-b");
    Files.writeString(Path.of(passwords + "-redis-a"), "one\n");
    Files.writeString(Path.of(passwords + "-redis-b"), "two\n");
    var settings = PairValidation.resolve(loaded, "node-192-0-2-11", "out");
    assertThat(settings.group("redis-a").auth().password()).isEqualTo("one");
    assertThat(settings.group("redis-b").auth().password()).isEqualTo("two");
  }

  @Test
  void aLineBreakInAQuotedStringStaysInItsCommentLine() throws Exception {
    Path conf =
        write(
            "keepalived.conf",
            instance("redis_a", 51, "192.0.2.100/24")
                .replace(
                    "    advert_int 1\n",
                    "    advert_int 1\n    notify_master \"/bin/true \\ninstances: []\"\n"));
    Run run = run(conf.toString(), "--port", "redis_a=6379");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("notify_master /bin/true \\u000ainstances: []");
    var spec = PairFile.parse(run.out(), "out", "pair").spec();
    assertThat(spec.getInstances()).extracting(i -> i.getName()).containsExactly("redis-a");
  }

  @Test
  void aScriptWithLatin1CommentsStillTellsItsPortAndABinaryIsNoScript() throws Exception {
    Path scripts = Files.createDirectories(dir.resolve("scripts"));
    Files.write(
        scripts.resolve("check.sh"),
        "#!/bin/sh\n# v\u00e9rifie Redis\nPORT=6390\nredis-cli -p $PORT ping\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    // A binary that happens to hold a port-like assignment is not read as a script.
    Files.write(
        scripts.resolve("redis-cli"), "\u007fELF\0\0PORT=7777\n".getBytes(StandardCharsets.UTF_8));
    String checks =
        "vrrp_script chk {\n    script \"%s/check.sh\"\n}\n".formatted(scripts)
            + "vrrp_script cli {\n    script \"%s/redis-cli ping\"\n}\n".formatted(scripts);
    Path conf =
        write(
            "keepalived.conf",
            checks
                + instance("redis_a", 51, "192.0.2.100/24")
                    .replace(
                        "    advert_int 1\n",
                        "    advert_int 1\n    track_script {\n        chk\n        cli\n    }\n"));
    Run run = run(conf.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("port: 6390").contains("PORT=6390 in");
  }

  @Test
  void aControlCharacterIsNamed() throws Exception {
    Path conf = write("keepalived.conf", instance("red\u001bis", 51, "192.0.2.100/24"));
    Run run = run(conf.toString());
    assertRefusedCleanly(run);
    assertThat(run.err())
        .contains(conf + ":1: a control character (0x1B at column 18): not a text file");
  }

  @Test
  void latin1InAValueNamesTheFileLineColumnAndByte() throws Exception {
    Path conf = dir.resolve("keepalived.conf");
    byte[] text = instance("caf\u00e9", 51, "192.0.2.100/24").getBytes(StandardCharsets.ISO_8859_1);
    Files.write(conf, text);
    Run run = run(conf.toString());
    assertRefusedCleanly(run);
    assertThat(run.err().lines().toList())
        .contains(
            "redisha import: refused: "
                + conf
                + ":1: not UTF-8 (byte 0xE9 at column 18); convert it with iconv -f latin1 -t"
                + " utf-8");
  }

  @Test
  void latin1InACommentIsNamedTooAndTheColumnCountsCharacters() throws Exception {
    Path conf = dir.resolve("keepalived.conf");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("! caf\u00e9 \u2014 cr\u00e8me\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("! caf\u00e9 ".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("r\u00e9seau\n".getBytes(StandardCharsets.ISO_8859_1));
    bytes.writeBytes(instance("a", 51, "192.0.2.100/24").getBytes(StandardCharsets.UTF_8));
    Files.write(conf, bytes.toByteArray());
    Run run = run(conf.toString());
    assertRefusedCleanly(run);
    assertThat(run.err()).contains(conf + ":2: not UTF-8 (byte 0xE9 at column 9)");
  }

  @Test
  void aByteOrderMarkIsNamed() throws Exception {
    Path conf = dir.resolve("keepalived.conf");
    Files.writeString(conf, "\ufeff" + instance("a", 51, "192.0.2.100/24"));
    Run run = run(conf.toString());
    assertRefusedCleanly(run);
    assertThat(run.err()).contains(conf + ":1: starts with a UTF-8 byte order mark");
  }

  @Test
  void includeMatchesKeepalivedSkipsAreWarnedWithTheIncludeLine() throws Exception {
    write("conf.d/a.conf", instance("redis_a", 51, "192.0.2.100/24"));
    Files.createSymbolicLink(dir.resolve("conf.d/dangling.conf"), dir.resolve("nowhere.conf"));
    Files.createDirectories(dir.resolve("conf.d/dir.conf"));
    Path executable = write("conf.d/run.conf", instance("redis_x", 59, "192.0.2.109/24"));
    Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
    // A name with a leading dot is not matched by '*', as in glob(3).
    write("conf.d/.old.conf", "this { is not read");
    Path conf = write("keepalived.conf", "# groups\ninclude conf.d/*.conf\n");

    Run run = run(conf.toString(), "--port", "redis_a=6379");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err())
        .contains("keepalived.conf:2: include conf.d/*.conf: ")
        .contains("dangling.conf is a broken symbolic link")
        .contains("dir.conf is a directory")
        .contains("run.conf is executable")
        .contains("keepalived skips it")
        .doesNotContain("Exception");
    assertThat(PairFile.parse(run.out(), "out", "pair").spec().getInstances())
        .extracting(i -> i.getName())
        .containsExactly("redis-a");

    Path checked = write("checked.conf", "includer conf.d/*.conf\n");
    Run refused = run(checked.toString(), "--port", "redis_a=6379");
    assertRefusedCleanly(refused);
    assertThat(refused.err())
        .contains("checked.conf:1: includer conf.d/*.conf: ")
        .contains("dangling.conf is a broken symbolic link");
  }

  @Test
  void includeGlobsFollowGlobWithNestedBraces() throws Exception {
    write("groups/a/one.conf", instance("one", 51, "192.0.2.100/24"));
    write("groups/b/two.conf", instance("two", 52, "192.0.2.101/24"));
    write("extra.conf", instance("three", 53, "192.0.2.102/24"));
    write("groups/c/four.conf", instance("four", 54, "192.0.2.103/24"));
    Path conf = write("keepalived.conf", "include {groups/{a,b}/*.conf,extra.conf}\n");
    Run run =
        run(conf.toString(), "--port", "one=6379", "--port", "two=6380", "--port", "three=6381");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(PairFile.parse(run.out(), "out", "pair").spec().getInstances())
        .extracting(i -> i.getName())
        .containsExactly("one", "two", "three");

    Path strict = write("strict.conf", "includeb groups/{a,zz}/*.conf\n");
    Run refused = run(strict.toString(), "--port", "one=6379");
    assertRefusedCleanly(refused);
    assertThat(refused.err()).contains("strict.conf:1: includeb groups/{a,zz}/*.conf: ");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "vrrp_instance a {\\n}\\n}\\n|x.conf:3: '}' closes no block",
        "vrrp_instance a {\\n  unicast_peer {\\n|x.conf:1: block 'vrrp_instance a' is never closed",
        "vrrp_instance a {\\n  virtual_router_id\\n}\\n|x.conf:2: virtual_router_id needs a value",
        "vrrp_instance a {\\n  interface\\n}\\n|x.conf:2: interface needs a value",
        "vrrp_instance {\\n}\\n|x.conf:1: vrrp_instance needs a name",
        "vrrp_instance a {\\n  virtual_router_id 99999999999999999999\\n}\\n"
            + "|x.conf:2: virtual_router_id 99999999999999999999: must be 1 to 255",
        "vrrp_instance a {\\n  priority -99999999999999\\n}\\n"
            + "|x.conf:2: priority -99999999999999: must be 1 to 255",
        "vrrp_instance a {\\n  virtual_router_id \u0665\u0661\\n}\\n"
            + "|x.conf:2: virtual_router_id '\u0665\u0661' is not a number",
        "vrrp_instance a {\\n  advert_int 1e999\\n}\\n|x.conf:2: advert_int 1e999: must be 0 to 3600",
        "vrrp_instance a {\\n  advert_int 1.5f\\n}\\n|x.conf:2: advert_int '1.5f' is not a time",
        "vrrp_instance a {\\n  advert_int NaN\\n}\\n|x.conf:2: advert_int 'NaN' is not a time",
        "vrrp_instance a {\\n  unicast_peer 192.0.2.1\\n}\\n|x.conf:2: unicast_peer needs a block",
        "{\\n|x.conf:1: '{' without a keyword before it",
        "include\\n|x.conf:1: include needs exactly one file name",
        "include a b\\n|x.conf:1: include needs exactly one file name",
        "vrrp_instance a {\\n  auth_pass \"open\\n}\\n|x.conf:2: unterminated quoted string",
        "vrrp_instance a {\\n  frobnicate 1\\n}\\n|x.conf:1): virtual_router_id is required",
        "include [z-a]*.conf\\nincludem [\\n|x.conf:2: include [ matches no file",
      })
  void malformedInputIsOneLineWithFileAndLine(String text, String message) throws Exception {
    Path conf = write("x.conf", text.replace("\\n", "\n"));
    Run run = run(conf.toString());
    assertRefusedCleanly(run);
    assertThat(run.err()).contains(message);
  }

  @Test
  void blocksNestedTooDeepAreRefusedAtTheirLine() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      text.append("b").append(i).append(" {\n");
    }
    Path conf = write("deep.conf", text.toString());
    Run run = run(conf.toString());
    assertRefusedCleanly(run);
    assertThat(run.err()).contains("deep.conf:65: blocks nested deeper than 64");
  }

  /**
   * Mutations of a real two-host file: characters that matter to the parser removed, doubled or
   * replaced, random bytes, truncation. Each import ends with a code and lines a user can read;
   * what is emitted loads in the agent.
   */
  @Test
  void mutatedFilesNeverCrashAndNeverEmitWhatTheAgentRefuses() throws Exception {
    byte[] original = Files.readAllBytes(KeepalivedImportTest.VM_A);
    byte[] special = "{}\"'#!\n 0123456789./-_\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    Random random = new Random(20260715L);
    int emitted = 0;
    List<String> refusals = new ArrayList<>();
    for (int round = 0; round < 400; round++) {
      byte[] mutant = original.clone();
      int edits = 1 + random.nextInt(4);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int cut = round % 10 == 0 ? random.nextInt(mutant.length) : mutant.length;
      for (int i = 0; i < cut; i++) {
        boolean edit = random.nextInt(mutant.length) < edits * 2;
        if (!edit) {
          out.write(mutant[i]);
          continue;
        }
        switch (random.nextInt(8)) {
          case 0, 1 -> {} // delete
          case 2, 3 -> {
            out.write(mutant[i]);
            out.write(mutant[i]);
          }
          case 4, 5, 6 -> out.write(special[random.nextInt(special.length)]);
          default -> out.write(random.nextInt(256));
        }
      }
      Path conf = dir.resolve("mutant-" + round + ".conf");
      Files.write(conf, out.toByteArray());
      Run run =
          run(
              conf.toString(),
              "--scripts-dir",
              KeepalivedImportTest.SAMPLES.resolve("field-note/vm-a").toString());
      assertThat(run.err())
          .as("round " + round)
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
      assertThat(run.code()).as("round " + round + ": " + run.err()).isIn(0, ImportFiles.REFUSED);
      if (run.code() == 0) {
        emitted++;
        assertThat(PairValidation.validate(PairFile.parse(run.out(), "out", "pair").spec()))
            .as("round " + round)
            .isEmpty();
      } else {
        assertThat(run.out()).isEmpty();
        List<String> problems =
            run.err().lines().filter(l -> !l.equals("redisha import: refused:")).toList();
        for (String problem : problems) {
          assertThat(FILE_AND_LINE.matcher(problem).find())
              .as("round " + round + ": " + problem)
              .isTrue();
        }
        refusals.add(run.err());
      }
    }
    // The mutations are strong enough to break most files and mild enough to leave some usable.
    assertThat(emitted).isBetween(5, 395);
    assertThat(refusals).hasSizeGreaterThan(5);
  }
}
