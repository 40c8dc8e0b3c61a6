import fc from "fast-check";
import { JsonValue } from "../../compose/model";
import { mergeGeneric, mergeProjects, mergeServices } from "../../compose/merge";
import { fromPlain, isMap, RawMap, RawNode, rawMap, scalar, toPlain } from "../../compose/raw";
import { assertProperty } from "../helpers/property";

/**
 * Properties of merging compose files, against simple models of the Compose spec's merge rules:
 * mappings merge key by key, sequences append, scalars are replaced; list-or-mapping keys merge
 * as mappings whichever syntax each side uses; "unique resources" (ports, ...) keep one entry per key.
 */

const KEYS = ["a", "b", "c", "x-ext"];
const scalarValue: fc.Arbitrary<JsonValue> = fc.oneof(fc.constantFrom("v", "w", ""), fc.integer({ min: -2, max: 2 }), fc.boolean(), fc.constant(null));
const { tree } = fc.letrec<{ tree: JsonValue }>((self) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarValue,
    fc.array(self("tree"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), self("tree"), { maxKeys: 3 }),
  ),
}));
const mapping = fc.dictionary(fc.constantFrom(...KEYS), tree, { maxKeys: 4 });

/**
 * The rule for plain trees: mappings merge key by key, sequences append, anything else is
 * replaced; an extension key (`x-...`) is replaced whole, as compose-go's mergeMappings does.
 */
function modelMerge(base: JsonValue, override: JsonValue): JsonValue {
  const isObject = (v: JsonValue): v is Record<string, JsonValue> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(base) && isObject(override)) {
    const out: Record<string, JsonValue> = { ...base };
    for (const [k, v] of Object.entries(override)) out[k] = k in base && !k.startsWith("x-") ? modelMerge(base[k] as JsonValue, v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(override)) return [...base, ...override];
  return override;
}

const asMap = (node: RawNode | undefined): RawMap => {
  if (!isMap(node)) throw new Error("expected a mapping");
  return node;
};
const service = (plain: Record<string, JsonValue>): RawMap => asMap(fromPlain(plain));

describe("merge properties", () => {
  test("GIVEN any two trees WHEN merged THEN the result is the reference merge (mappings by key, sequences appended, scalars replaced)", () => {
    assertProperty(fc.property(tree, tree, (a, b) => expect(toPlain(mergeGeneric(fromPlain(a), fromPlain(b)) ?? scalar(null))).toEqual(modelMerge(a, b))));
  });

  test("GIVEN any file WHEN merged with an empty file, either way round THEN it is unchanged", () => {
    assertProperty(
      fc.property(mapping, (a) => {
        const empty = rawMap([]);
        expect(toPlain(mergeProjects(asMap(fromPlain(a)), empty))).toEqual(a);
        expect(toPlain(mergeProjects(empty, asMap(fromPlain(a))))).toEqual(a);
      }),
    );
  });

  test("GIVEN three files of mappings and sequences WHEN merged left to right or right first THEN the result is the same", () => {
    // Associative where the kinds agree (a scalar replacing a mapping is not: compose merges files in order).
    const sameShape = fc.dictionary(
      fc.constantFrom(...KEYS),
      fc.oneof(fc.array(scalarValue, { maxLength: 2 }), fc.dictionary(fc.constantFrom(...KEYS), scalarValue, { maxKeys: 2 })),
      { maxKeys: 3 },
    );
    const shapeOf = (v: JsonValue) => (Array.isArray(v) ? "seq" : "map");
    assertProperty(
      fc.property(sameShape, sameShape, sameShape, (a, b, c) => {
        for (const k of KEYS) fc.pre(new Set([a, b, c].filter((f) => k in f).map((f) => shapeOf(f[k] as JsonValue))).size <= 1);
        const [ra, rb, rc] = [a, b, c].map((f) => asMap(fromPlain(f))) as [RawMap, RawMap, RawMap];
        expect(toPlain(mergeProjects(mergeProjects(ra, rb), rc))).toEqual(toPlain(mergeProjects(ra, mergeProjects(rb, rc))));
      }),
    );
  });

  test("GIVEN environment, labels or extra_hosts in list or mapping syntax on each side WHEN the services merge THEN the result is the mapping merge of both", () => {
    const variables = fc.dictionary(fc.constantFrom("A", "B", "C_1", "D"), fc.option(fc.constantFrom("1", "x=y", "", "two words"), { nil: null }), {
      maxKeys: 4,
    });
    const written = (key: string, vars: Record<string, string | null>, asList: boolean): JsonValue => {
      if (!asList) return vars;
      const separator = key === "extra_hosts" ? ":" : "=";
      return Object.entries(vars).map(([k, v]) => (v === null ? k : `${k}${separator}${v}`));
    };
    assertProperty(
      fc.property(fc.constantFrom("environment", "labels", "extra_hosts"), variables, variables, fc.boolean(), fc.boolean(), (key, a, b, aList, bList) => {
        // A list entry `host:ip` can only say "no value" as a bare name; skip values the list syntax cannot hold.
        if (key === "extra_hosts") fc.pre([a, b].every((v, i) => ![aList, bList][i] || Object.values(v).every((x) => x !== "" && !x?.includes("="))));
        const merged = mergeServices(service({ [key]: written(key, a, aList) }), service({ [key]: written(key, b, bList) }));
        expect((toPlain(merged ?? scalar(null)) as Record<string, JsonValue>)[key]).toEqual({ ...a, ...b });
      }),
    );
  });

  test("GIVEN port lists on both sides WHEN the services merge THEN each port appears once, the later definition in the earlier one's place", () => {
    const ports = fc.array(fc.constantFrom("80", "8080:80", "443:443", "127.0.0.1:53:53/udp", "9000"), { maxLength: 5 });
    assertProperty(
      fc.property(ports, ports, (a, b) => {
        const model = new Map<string, string>();
        for (const p of [...a, ...b]) model.set(p, p);
        const merged = mergeServices(service({ ports: a }), service({ ports: b }));
        expect((toPlain(merged ?? scalar(null)) as Record<string, JsonValue>).ports ?? []).toEqual([...model.values()]);
      }),
    );
  });

  test("GIVEN an override that marks a key !reset WHEN merged THEN the key is gone, whatever the base held", () => {
    assertProperty(
      fc.property(mapping, fc.constantFrom(...KEYS), (a, key) => {
        const override = rawMap([{ key, value: { ...scalar(null), tag: "!reset" } }]);
        const merged = toPlain(mergeProjects(asMap(fromPlain(a)), override)) as Record<string, JsonValue>;
        const { [key]: _gone, ...rest } = a;
        expect(merged).toEqual(rest);
      }),
    );
  });
});
