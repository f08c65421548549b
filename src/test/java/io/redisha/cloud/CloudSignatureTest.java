package io.redisha.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both signers against the worked examples the clouds publish for them. */
class CloudSignatureTest {
  @Test
  void awsSigV4MatchesTheGetVanillaExampleOfTheAwsTestSuite() {
    Map<String, String> headers =
        AwsSigV4.sign(
            "GET",
            "/",
            "",
            Map.of("Host", "example.amazonaws.com"),
            new byte[0],
            "us-east-1",
            "service",
            new Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null),
            Instant.parse("2015-08-30T12:36:00Z"));
    assertThat(headers)
        .containsEntry("x-amz-date", "20150830T123600Z")
        .containsEntry(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
                + " SignedHeaders=host;x-amz-date,"
                + " Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  }

  @Test
  void alibabaSignatureMatchesTheDescribeRegionsExampleOfTheDocs() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("Format", "XML");
    parameters.put("AccessKeyId", "testid");
    parameters.put("Action", "DescribeRegions");
    parameters.put("SignatureMethod", "HMAC-SHA1");
    parameters.put("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf");
    parameters.put("SignatureVersion", "1.0");
    parameters.put("Timestamp", "2016-02-23T12:46:24Z");
    parameters.put("Version", "2014-05-26");
    assertThat(AlibabaSignature.sign("GET", parameters, "testsecret"))
        .isEqualTo("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  }

  @Test
  void alibabaEncodingIsRfc3986() {
    assertThat(AlibabaSignature.encode("a b*c~d/e:f")).isEqualTo("a%20b%2Ac~d%2Fe%3Af");
  }
}
