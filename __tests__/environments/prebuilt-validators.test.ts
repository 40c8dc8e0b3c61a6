import Ajv, { ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { SCHEMA_AJV_OPTIONS, SCHEMA_EXPORTS, SchemaName, addSchemaAnnotations } from "../../schema/schema-options";
import { PREBUILT_VALIDATORS } from "../../schema/validators";

/**
 * The CLI validates environment files and `x-ecs` with the validators `npm run build`
 * pre-compiles (ajv standalone code); the other tests compile them at run time. Both must
 * judge every document alike, errors included (the messages are made from them).
 */
const prebuiltFile = path.resolve(__dirname, "../../dist/schema", PREBUILT_VALIDATORS);
const REPO = path.resolve(__dirname, "../..");

const ENVIRONMENTS = [
  ...["qa.yml", "production.yml"].map((f) => fs.readFileSync(path.join(REPO, "environments", f), "utf8")),
  "regoin: eu-west-1\nnetwork:\n  azs: [eu-west-1a, eu-west-1a, x]\n  nat: two\n",
  "loadBalancer:\n  allowedCidrs: ['::/0', office, 5]\n  sslPolicy: TLS1\n",
  "services:\n  web:\n    replica: 2\n    autoscaling: {min: 1}\n  'bad name': 3\n",
  "tags:\n  managed-by: me\n  'aws:x': 1\n",
  "state:\n  backend: cloud\n  tags: [a]\n",
  "state:\n  backend: s3\n  dir: x\n",
  "- a list\n",
];
const OVERRIDES = [{ replicas: 2, path: "/api" }, { replicas: "many", colour: "blue" }, { autoscaling: { min: 3, max: 2, cpu: 500 } }, [1]];

describe("the pre-built environment validators", () => {
  test("GIVEN `npm run build` has run THEN the pre-built validators exist", () => {
    expect(fs.existsSync(prebuiltFile)).toBe(true);
  });

  test.each<[SchemaName, readonly unknown[]]>([
    ["environment", ENVIRONMENTS.map((text) => parse(text) as unknown)],
    ["serviceOverride", OVERRIDES],
  ])("GIVEN %s documents WHEN validated by both validators THEN verdicts and errors are identical", (name, documents) => {
    const prebuilt = (require(prebuiltFile) as Record<SchemaName, ValidateFunction>)[name];
    const runtime = addSchemaAnnotations(new Ajv(SCHEMA_AJV_OPTIONS)).getSchema(SCHEMA_EXPORTS[name]);
    if (runtime === undefined) throw new Error(`no ${SCHEMA_EXPORTS[name]} in the schema`);
    let invalid = 0;
    for (const document of documents) {
      const verdict = prebuilt(document);
      expect(verdict).toBe(runtime(document));
      expect(prebuilt.errors ?? null).toEqual(runtime.errors ?? null);
      if (!verdict) invalid += 1;
    }
    expect(invalid).toBe(name === "environment" ? ENVIRONMENTS.length - 2 : OVERRIDES.length - 1);
  });
});
