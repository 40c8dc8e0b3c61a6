import Ajv, { ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";
import { parseCompose } from "../../compose/parse";
import { toPlain } from "../../compose/raw";
import { COMPOSE_AJV_OPTIONS, composeSchema } from "../../compose/schema-options";

/**
 * The CLI validates with the validator that `npm run build` pre-compiles (ajv standalone code);
 * the other tests validate with a run-time compile. Both must judge every document alike.
 */
const prebuiltFile = path.resolve(__dirname, "../../dist/compose/schema/compose-validator.js");

function corpusFiles(): string[] {
  const shared = process.env.COMPOSE2ECS_SHARED_DIR ?? path.resolve(__dirname, "../../../shared");
  const dir = path.join(shared, "corpus", "visible");
  if (!fs.existsSync(dir)) throw new Error(`The shared corpus is missing at ${dir}: set COMPOSE2ECS_SHARED_DIR to the shared/ folder.`);
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !f.includes(".expected."))
    .sort()
    .map((f) => path.join(dir, f));
}

const INVALID_DOCUMENTS = [
  "services:\n  web:\n    image: [nginx]\n",
  "services:\n  web:\n    image: x\n    ports:\n      - {target: 80, publised: 80}\n",
  "services:\n  a:\n    image: 1.5\n    foo: 1\n  b:\n    restart: [x]\n",
  "services:\n  web:\n    image: x\n    depends_on:\n      db: {condition: healthy}\n",
  "service: {}\n",
];

describe("the pre-built schema validator", () => {
  test("GIVEN `npm run build` has run THEN the pre-built validator exists", () => {
    expect(fs.existsSync(prebuiltFile)).toBe(true);
  });

  test("GIVEN the corpus and invalid documents WHEN validated by both validators THEN verdicts and errors are identical", () => {
    const prebuilt = (require(prebuiltFile) as { default: ValidateFunction }).default;
    const runtime = new Ajv(COMPOSE_AJV_OPTIONS).compile(composeSchema());
    const documents = [...corpusFiles().map((f) => fs.readFileSync(f, "utf8")), ...INVALID_DOCUMENTS];
    let invalid = 0;
    for (const text of documents) {
      const parsed = parseCompose(text, "compose.yaml");
      if (parsed.root === undefined) continue;
      const plain = toPlain(parsed.root);
      const a = prebuilt(plain);
      const b = runtime(plain);
      expect(a).toBe(b);
      expect(prebuilt.errors ?? null).toEqual(runtime.errors ?? null);
      if (!a) invalid += 1;
    }
    expect(invalid).toBeGreaterThanOrEqual(INVALID_DOCUMENTS.length);
  });
});
