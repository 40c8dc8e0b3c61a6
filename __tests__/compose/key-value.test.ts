import fc from "fast-check";
import { sortedRecord, splitKeyValue } from "../../compose/key-value";
import { assertProperty } from "../helpers/property";

describe("KEY=VALUE entries", () => {
  test("GIVEN a key without = and any value WHEN written KEY=VALUE and split THEN the key and the whole value come back; without = there is no value", () => {
    assertProperty(
      fc.property(
        fc.string().filter((k) => !k.includes("=")),
        fc.string(),
        (key, value) => {
          expect(splitKeyValue(`${key}=${value}`)).toEqual([key, value]);
          expect(splitKeyValue(key)).toEqual([key, null]);
        },
      ),
    );
  });

  test("GIVEN the same entries inserted in any order WHEN sorted THEN they serialize to the same JSON, with every entry kept", () => {
    const entries = fc.uniqueArray(fc.tuple(fc.string(), fc.string()), { selector: ([key]) => key });
    assertProperty(
      fc.property(entries, fc.func(fc.integer()), (list, order) => {
        const shuffled = [...list].sort((a, b) => order(a[0]) - order(b[0]) || (a[0] < b[0] ? -1 : 1));
        const [x, y] = [sortedRecord(Object.fromEntries(list)), sortedRecord(Object.fromEntries(shuffled))];
        expect(JSON.stringify(x)).toBe(JSON.stringify(y));
        expect(x).toEqual(Object.fromEntries(list));
      }),
    );
  });
});
