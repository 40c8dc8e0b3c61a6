import fc from "fast-check";
import { JsonValue } from "../../compose/model";
import { parsePort, PortSpec } from "../../compose/ports";
import { assertProperty, textOf } from "../helpers/property";

/**
 * Properties of compose port syntax: a mapping generated as data, written in the short syntax
 * (`[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`, ranges, bracketed IPv6) or the long one, parses
 * back to the same data; whatever the input, a parsed mapping is within 1-65535 and its ranges agree.
 */

interface Mapping {
  readonly target: readonly [number, number];
  readonly published?: readonly [number, number];
  readonly protocol?: string;
  readonly hostIp?: { readonly ip: string; readonly v6: boolean };
}

const port = fc.integer({ min: 1, max: 65535 });
/** A range [start, end] inside 1-65535, of `length` ports (1 for a single port). */
const rangeOf = (length: number): fc.Arbitrary<readonly [number, number]> =>
  fc.integer({ min: 1, max: 65536 - length }).map((start) => [start, start + length - 1] as const);

const mapping: fc.Arbitrary<Mapping> = fc.integer({ min: 1, max: 2000 }).chain((length) =>
  fc.record(
    {
      target: rangeOf(length),
      // A published range is as long as the target range, or any range for a single target.
      published: length === 1 ? fc.integer({ min: 1, max: 50 }).chain(rangeOf) : rangeOf(length),
      protocol: fc.constantFrom("tcp", "udp", "sctp", "TCP"),
      hostIp: fc.oneof(
        fc.ipV4().map((ip) => ({ ip, v6: false })),
        fc.ipV6().map((ip) => ({ ip, v6: true })),
      ),
    },
    { requiredKeys: ["target"] },
  ),
);

const rangeText = ([start, end]: readonly [number, number]): string => (start === end ? String(start) : `${start}-${end}`);

function shortSyntax(m: Mapping): string {
  const host = m.hostIp === undefined ? "" : m.hostIp.v6 ? `[${m.hostIp.ip}]:` : `${m.hostIp.ip}:`;
  // With a host IP the published part may be empty (`127.0.0.1::80`): docker picks the host port.
  const published = m.published !== undefined ? `${rangeText(m.published)}:` : m.hostIp !== undefined ? ":" : "";
  return `${host}${published}${rangeText(m.target)}${m.protocol !== undefined ? `/${m.protocol}` : ""}`;
}

function longSyntax(m: Mapping): JsonValue {
  return {
    target: m.target[0] === m.target[1] ? m.target[0] : rangeText(m.target),
    ...(m.published !== undefined ? { published: rangeText(m.published) } : {}),
    ...(m.protocol !== undefined ? { protocol: m.protocol } : {}),
    ...(m.hostIp !== undefined ? { host_ip: m.hostIp.ip } : {}),
  };
}

function expected(m: Mapping): PortSpec {
  return {
    target: m.target[0],
    ...(m.target[1] > m.target[0] ? { targetEnd: m.target[1] } : {}),
    ...(m.published !== undefined ? { published: m.published[0] } : {}),
    ...(m.published !== undefined && m.published[1] > m.published[0] ? { publishedEnd: m.published[1] } : {}),
    protocol: (m.protocol ?? "tcp").toLowerCase(),
    ...(m.hostIp !== undefined ? { hostIp: m.hostIp.ip } : {}),
  };
}

describe("port syntax properties", () => {
  test("GIVEN any mapping WHEN written in the short syntax and parsed THEN it is the same mapping", () => {
    assertProperty(fc.property(mapping, (m) => expect(parsePort(shortSyntax(m))).toEqual({ ok: true, value: expected(m) })));
  });

  test("GIVEN any mapping WHEN written in the long syntax and parsed THEN it is the same mapping as the short syntax gives", () => {
    assertProperty(fc.property(mapping, (m) => expect(parsePort(longSyntax(m))).toEqual(parsePort(shortSyntax(m)))));
  });

  test("GIVEN a container range and a published range of another length WHEN parsed THEN it is refused", () => {
    assertProperty(
      fc.property(fc.integer({ min: 2, max: 100 }), fc.integer({ min: 2, max: 100 }), port, (targetLength, publishedLength, start) => {
        fc.pre(targetLength !== publishedLength && start + Math.max(targetLength, publishedLength) <= 65536);
        const text = `${rangeText([start, start + publishedLength - 1])}:${rangeText([start, start + targetLength - 1])}`;
        expect(parsePort(text)).toEqual({ ok: false, message: expect.stringMatching(/different lengths/) });
      }),
    );
  });

  test("GIVEN a port number outside 1-65535 WHEN parsed, as a number or in any position of the text THEN it is refused", () => {
    const outside = fc.oneof(fc.constant(0), fc.integer({ min: 65536, max: 10_000_000 }));
    assertProperty(
      fc.property(outside, port, (bad, good) => {
        for (const value of [bad, String(bad), `${bad}:${good}`, `${good}:${bad}`, `${good}-${bad}`, `127.0.0.1:${bad}:${good}`]) {
          expect([value, parsePort(value).ok]).toEqual([value, false]);
        }
      }),
    );
  });

  test("GIVEN any text WHEN parsed THEN it never throws, and a parsed mapping is within 1-65535 with ranges that agree", () => {
    assertProperty(
      fc.property(fc.oneof(textOf("0123456789:-/[].abtcpud ", 24), fc.string()), (text) => {
        const parsed = parsePort(text);
        if (!parsed.ok) return;
        const p = parsed.value;
        const targetEnd = p.targetEnd ?? p.target;
        expect(1 <= p.target && p.target <= targetEnd && targetEnd <= 65535).toBe(true);
        if (p.published !== undefined) {
          const publishedEnd = p.publishedEnd ?? p.published;
          expect(1 <= p.published && p.published <= publishedEnd && publishedEnd <= 65535).toBe(true);
          if (targetEnd > p.target) expect(publishedEnd - p.published).toBe(targetEnd - p.target);
        }
      }),
    );
  });
});
