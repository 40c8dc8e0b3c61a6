import { parseEnvironment } from "../../config/load-environment";
import { isDocumentationCidr, isDocumentationDomain, isPlaceholderCertificate, remainingPlaceholders } from "../../config/placeholders";

/** Placeholders init writes: valid values from documentation ranges, refused by `up` by key and location. */

describe("placeholder values", () => {
  test.each([
    ["192.0.2.0/24", true],
    ["198.51.100.7/32", true],
    ["203.0.113.128/25", true],
    ["192.0.2.0/23", false],
    ["192.0.3.0/24", false],
    ["10.0.0.0/8", false],
    ["0.0.0.0/0", false],
  ])("GIVEN CIDR %s THEN it is a documentation range: %s", (cidr, expected) => {
    expect(isDocumentationCidr(cidr)).toBe(expected);
  });

  test.each([
    ["example.com", true],
    ["qa.example.org", true],
    ["shop.invalid", true],
    ["example.company.com", false],
    ["shop.io", false],
  ])("GIVEN domain %s THEN it is reserved for documentation: %s", (domain, expected) => {
    expect(isDocumentationDomain(domain)).toBe(expected);
  });

  test("GIVEN certificate ARNs THEN only the all-zero one is a placeholder", () => {
    expect(isPlaceholderCertificate("arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000")).toBe(true);
    expect(isPlaceholderCertificate("arn:aws:acm:eu-west-1:123456789012:certificate/3f1c2a4e-1111-2222-3333-444455556666")).toBe(false);
  });
});

describe("remainingPlaceholders", () => {
  test("GIVEN an environment with a documentation CIDR, the zero certificate and an example domain THEN each is an error at its key, with file, line and column", () => {
    const text = [
      "loadBalancer:",
      "  allowedCidrs: [10.0.0.0/8, 192.0.2.0/24]",
      "  certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
      "  domain: shop.example.com",
      "",
    ].join("\n");
    const { env, diagnostics } = parseEnvironment("production", text, "environments/production.yml");
    expect(diagnostics).toEqual([]);
    if (env === undefined) throw new Error("did not load");
    expect(remainingPlaceholders(env)).toEqual([
      {
        severity: "error",
        path: "loadBalancer.allowedCidrs[1]",
        location: { file: "environments/production.yml", line: 2, col: 3 },
        message: expect.stringMatching(/^placeholder 192\.0\.2\.0\/24: a documentation range/),
      },
      {
        severity: "error",
        path: "loadBalancer.certificateArn",
        location: { file: "environments/production.yml", line: 3, col: 3 },
        message: expect.stringMatching(/^placeholder arn:aws:acm:.*replace it with the ARN of your ACM certificate in eu-west-1/),
      },
      {
        severity: "error",
        path: "loadBalancer.domain",
        location: { file: "environments/production.yml", line: 4, col: 3 },
        message: expect.stringMatching(/^placeholder shop\.example\.com: a domain reserved for documentation/),
      },
    ]);
  });

  test("GIVEN real values THEN nothing is left to replace", () => {
    const { env } = parseEnvironment("qa", "branches: true\nloadBalancer:\n  allowedCidrs: [10.20.0.0/16]\n", "environments/qa.yml");
    if (env === undefined) throw new Error("did not load");
    expect(remainingPlaceholders(env)).toEqual([]);
  });
});

describe("placeholders of the network load balancer", () => {
  test("GIVEN networkLoadBalancer.allowedCidrs with a documentation range WHEN up checks placeholders THEN it is named at its key", () => {
    const loaded = parseEnvironment(
      "production",
      "region: eu-west-1\nloadBalancer:\n  allowedCidrs: [10.0.0.0/8]\nnetworkLoadBalancer:\n  allowedCidrs: [198.51.100.0/24]\n",
      "environments/production.yml",
    );
    if (loaded.env === undefined) throw new Error(JSON.stringify(loaded.diagnostics));
    expect(remainingPlaceholders(loaded.env).map((d) => `${d.location?.line ?? 0} ${d.path}`)).toEqual(["5 networkLoadBalancer.allowedCidrs[0]"]);
  });
});

describe("placeholders of the network load balancer, inherited", () => {
  test("GIVEN a network load balancer without its own CIDRs WHEN up checks placeholders THEN the application load balancer's placeholder is named once", () => {
    const loaded = parseEnvironment(
      "production",
      "region: eu-west-1\nloadBalancer:\n  allowedCidrs: [198.51.100.0/24]\nnetworkLoadBalancer:\n  internal: false\n",
      "environments/production.yml",
    );
    if (loaded.env === undefined) throw new Error(JSON.stringify(loaded.diagnostics));
    expect(remainingPlaceholders(loaded.env).map((d) => d.path)).toEqual(["loadBalancer.allowedCidrs[0]"]);
  });
});
