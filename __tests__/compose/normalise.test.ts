import { parsePort } from "../../compose/ports";
import { parseBytes, parseCpus, parseDuration, shellWords } from "../../compose/units";
import { ServiceModel } from "../../compose/model";
import { loadProject, messages } from "./helpers";

describe("units", () => {
  test.each([
    ["1m30s", 90],
    ["10s", 10],
    ["1h", 3600],
    ["500ms", 0.5],
    ["1.5m", 90],
    ["2h45m10s", 9910],
    [30, 30],
    ["0", 0],
  ])("GIVEN duration %j THEN it is %d seconds", (input, seconds) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: seconds });
  });

  test.each(["10", "1x", "s", "", "1m 30s"])("GIVEN duration %j THEN it is refused", (input) => {
    expect(parseDuration(input).ok).toBe(false);
  });

  test.each([
    ["512M", 512 * 1024 ** 2],
    ["512m", 512 * 1024 ** 2],
    ["1G", 1024 ** 3],
    ["1gb", 1024 ** 3],
    ["10000Mb", 10000 * 1024 ** 2],
    [10000, 10000],
    ["10000", 10000],
    ["64k", 65536],
    ["1.5g", 1.5 * 1024 ** 3],
  ])("GIVEN size %j THEN it is %d bytes", (input, bytes) => {
    expect(parseBytes(input)).toEqual({ ok: true, value: bytes });
  });

  test.each(["1x", "lots", "-1m"])("GIVEN size %j THEN it is refused", (input) => {
    expect(parseBytes(input).ok).toBe(false);
  });

  test.each([
    ["0.5", 0.5],
    [2, 2],
    ["1.25", 1.25],
  ])("GIVEN cpus %j THEN %d", (input, value) => {
    expect(parseCpus(input)).toEqual({ ok: true, value });
  });

  test.each([
    ['sh -c "echo Hello Foo"', ["sh", "-c", "echo Hello Foo"]],
    ["nodemon -L app/bin/www", ["nodemon", "-L", "app/bin/www"]],
    ["echo 'a  b' c\\ d", ["echo", "a  b", "c d"]],
    ['echo "say \\"hi\\"" \'$HOME\'', ["echo", 'say "hi"', "$HOME"]],
    ["  spaced   out  ", ["spaced", "out"]],
    ["empty '' arg", ["empty", "", "arg"]],
  ])("GIVEN command string %j THEN words %j", (input, words) => {
    expect(shellWords(input)).toEqual({ ok: true, value: words });
  });

  test("GIVEN an unterminated quote THEN splitting fails", () => {
    expect(shellWords("echo 'oops").ok).toBe(false);
  });
});

describe("parsePort", () => {
  test.each([
    ["80", { target: 80, protocol: "tcp" }],
    [8080, { target: 8080, protocol: "tcp" }],
    ["8080:80", { target: 80, published: 8080, protocol: "tcp" }],
    ["6379/udp", { target: 6379, protocol: "udp" }],
    ["1234:1235/udp", { target: 1235, published: 1234, protocol: "udp" }],
    ["127.0.0.1:8001:8001", { target: 8001, published: 8001, protocol: "tcp", hostIp: "127.0.0.1" }],
    ["[::1]:80:80", { target: 80, published: 80, protocol: "tcp", hostIp: "::1" }],
    // Issue 11: a range stays one mapping ("1-65535" expanded to 65,535 and synth ran past 30 s).
    ["3000-3002", { target: 3000, targetEnd: 3002, protocol: "tcp" }],
    ["1-65535", { target: 1, targetEnd: 65535, protocol: "tcp" }],
    ["9090-9091:8080-8081", { target: 8080, targetEnd: 8081, published: 9090, publishedEnd: 9091, protocol: "tcp" }],
    ["8000-8010:80", { target: 80, published: 8000, publishedEnd: 8010, protocol: "tcp" }],
    [
      { target: "8000-8001", published: "9000-9001" },
      { target: 8000, targetEnd: 8001, published: 9000, publishedEnd: 9001, protocol: "tcp" },
    ],
    [
      { target: 80, published: "8080", protocol: "tcp", mode: "host" },
      { target: 80, published: 8080, protocol: "tcp", mode: "host" },
    ],
    [
      { target: 80, host_ip: "10.0.0.1", app_protocol: "http", name: "web" },
      { target: 80, protocol: "tcp", hostIp: "10.0.0.1", appProtocol: "http", name: "web" },
    ],
  ])("GIVEN %j THEN %j", (input, expected) => {
    expect(parsePort(input)).toEqual({ ok: true, value: expected });
  });

  test.each(["", "abc", "70000", "1-2:3-5", "1:2:3:4", "0-10", "10-5", { published: 80 }])("GIVEN %j THEN it is refused", (input) => {
    expect(parsePort(input).ok).toBe(false);
  });
});

describe("normalise (stage 5: the typed model)", () => {
  const service = (yaml: string, files: Record<string, string> = {}, environment: Record<string, string> = {}): ServiceModel => {
    const result = loadProject({ "compose.yaml": `services:\n  web:\n${yaml}`, ...files }, { environment });
    expect(messages(result)).toEqual([]);
    const svc = result.project?.services.find((s) => s.name === "web");
    if (svc === undefined) throw new Error("no service");
    return svc;
  };

  test("GIVEN environment from env_file, a list and bare names WHEN normalised THEN later sources win and bare names come from the host", () => {
    const svc = service(
      "    image: x\n    env_file: [web.env]\n    environment:\n      - FROM_LIST=list\n      - SHARED=list\n      - FROM_HOST\n      - MISSING\n",
      { "web.env": "SHARED=file\nONLY_FILE=file\n" },
      { FROM_HOST: "host" },
    );
    expect(svc.environment).toEqual({ FROM_HOST: "host", FROM_LIST: "list", ONLY_FILE: "file", SHARED: "list" });
    expect(Object.keys(svc.environment)).toEqual(["FROM_HOST", "FROM_LIST", "ONLY_FILE", "SHARED"]);
  });

  test.each([
    ["a string test", "test: curl -f http://x || exit 1", { test: ["CMD-SHELL", "curl -f http://x || exit 1"], disabled: false }],
    ["a CMD list", "test: [CMD, pg_isready]", { test: ["CMD", "pg_isready"], disabled: false }],
    ["a CMD-SHELL list", "test: [CMD-SHELL, 'a && b']", { test: ["CMD-SHELL", "a && b"], disabled: false }],
    ["NONE", "test: [NONE]", { disabled: true }],
    ["disable: true", "disable: true", { disabled: true }],
  ])("GIVEN a healthcheck with %s WHEN normalised THEN ECS's form", (_name, line, expected) => {
    expect(service(`    image: x\n    healthcheck:\n      ${line}\n`).healthcheck).toEqual(expected);
  });

  test("GIVEN healthcheck timings WHEN normalised THEN they are seconds", () => {
    expect(
      service("    image: x\n    healthcheck:\n      test: [CMD, x]\n      interval: 1m30s\n      timeout: 10s\n      start_period: 500ms\n      retries: 3\n")
        .healthcheck,
    ).toEqual({
      test: ["CMD", "x"],
      disabled: false,
      intervalSeconds: 90,
      timeoutSeconds: 10,
      startPeriodSeconds: 0.5,
      retries: 3,
    });
  });

  test("GIVEN healthcheck retries written as a string WHEN normalised THEN the number is kept", () => {
    expect(service("    image: x\n    healthcheck: {test: [CMD, x], retries: '5'}\n").healthcheck?.retries).toBe(5);
  });

  test("GIVEN command and entrypoint strings and lists WHEN normalised THEN strings are split like a shell, lists kept", () => {
    const svc = service("    image: x\n    command: sh -c \"echo Hello\"\n    entrypoint: ['/bin/run', 'a b']\n");
    expect(svc.command).toEqual(["sh", "-c", "echo Hello"]);
    expect(svc.entrypoint).toEqual(["/bin/run", "a b"]);
  });

  test("GIVEN short and long volumes WHEN normalised THEN each has its type, and bind paths are relative to the project", () => {
    const svc = service(
      "    image: x\n    volumes:\n      - data:/data:ro\n      - ./app:/app\n      - /var/run/docker.sock:/var/run/docker.sock\n      - /anon\n      - {type: tmpfs, target: /tmp, tmpfs: {size: 64m}}\n      - {type: bind, source: ./conf, target: /etc/conf, read_only: true}\n    tmpfs: ['/run:rw,size=1g']\nvolumes:\n  data: {}\n",
    );
    expect(svc.volumes).toEqual([
      { type: "volume", source: "data", target: "/data", readOnly: true, entry: 0 },
      { type: "bind", source: "./app", target: "/app", readOnly: false, entry: 1 },
      { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: false, entry: 2 },
      { type: "volume", target: "/anon", readOnly: false, entry: 3 },
      { type: "tmpfs", target: "/tmp", readOnly: false, tmpfsSize: 64 * 1024 ** 2, entry: 4 },
      { type: "bind", source: "./conf", target: "/etc/conf", readOnly: true, entry: 5 },
      { type: "tmpfs", target: "/run", readOnly: false, tmpfsSize: 1024 ** 3 },
    ]);
  });

  test("GIVEN deploy, legacy limits and other keys WHEN normalised THEN the model has every field", () => {
    const svc = service(
      [
        "    image: x",
        "    mem_limit: 10000Mb",
        "    cpus: 0.5",
        "    deploy:",
        "      replicas: 2",
        "      resources: {reservations: {memory: 256M}}",
        "      update_config: {parallelism: 2, order: start-first, failure_action: rollback}",
        "      restart_policy: {condition: on-failure, max_attempts: 3}",
        "      placement: {constraints: [node.role == manager]}",
        "      labels: [APP=VOTING]",
        "    depends_on:",
        "      db: {condition: service_healthy}",
        "    links: ['db:database']",
        "    expose: ['3000-3001', '6379/udp']",
        "    secrets: [token, {source: cert, target: /etc/cert.pem}]",
        "    ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}",
        "    labels: [a=b]",
        "    stop_grace_period: 1m",
        "    user: '999:999'",
        "    x-ecs: {path: /api}",
        "    x-other: {a: 1}",
        "  db: {image: pg}",
        "secrets: {token: {file: ./t.txt}, cert: {external: true}}",
        "",
      ].join("\n"),
    );
    expect(svc.deploy).toEqual({
      mode: "replicated",
      replicas: 2,
      limits: { cpus: 0.5, memoryBytes: 10000 * 1024 ** 2 },
      reservations: { memoryBytes: 256 * 1024 ** 2 },
      updateConfig: { parallelism: 2, order: "start-first", failureAction: "rollback" },
      restartPolicy: { condition: "on-failure", maxAttempts: 3 },
    });
    expect(svc.dependsOn).toEqual([{ service: "db", condition: "service_healthy" }]);
    expect(svc.links).toEqual(["db"]);
    expect(svc.expose).toEqual([
      { target: 3000, targetEnd: 3001, protocol: "tcp" },
      { target: 6379, protocol: "udp" },
    ]);
    expect(svc.secrets).toEqual([
      { source: "cert", target: "/etc/cert.pem" },
      { source: "token", target: "token" },
    ]);
    expect(svc.ulimits).toEqual([
      { name: "nofile", soft: 20000, hard: 40000 },
      { name: "nproc", soft: 65535, hard: 65535 },
    ]);
    expect(svc.labels).toEqual({ a: "b" });
    expect(svc.stopGracePeriodSeconds).toBe(60);
    expect(svc.user).toBe("999:999");
    expect(svc.ecs).toEqual({ path: "/api" });
    expect(svc.extensions).toEqual({ "x-other": { a: 1 } });
    expect(svc.networks).toEqual(["default"]);
  });

  test("GIVEN two volumes on one container path WHEN normalised THEN the later is kept and the earlier is a located warning", () => {
    const result = loadProject({
      "compose.yaml":
        "services:\n  db:\n    image: mysql\n    volumes:\n      - /var/lib/mysql\n      - data:/var/lib/mysql\n      - ./conf:/etc/mysql/conf.d\nvolumes:\n  data: {}\n",
    });
    expect(messages(result)).toEqual([]);
    expect(messages(result, "warning")).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/compose\.yaml:5:9 services\.db\.volumes\[0\]: warning: \/var\/lib\/mysql is mounted again by volumes\[1\]/),
      ]),
    );
    const mounts = result.project?.services[0]?.volumes ?? [];
    expect(mounts.map((m) => [m.type, m.source, m.target])).toEqual([
      ["volume", "data", "/var/lib/mysql"],
      ["bind", "./conf", "/etc/mysql/conf.d"],
    ]);
  });

  test("GIVEN an invalid x-ecs WHEN loaded THEN the problem is an error at the offending key", () => {
    const result = loadProject({ "compose.yaml": "services:\n  web:\n    image: x\n    x-ecs:\n      replicas: many\n      colour: blue\n" });
    expect(messages(result)).toEqual([
      expect.stringMatching(/compose\.yaml:5:7 services\.web\.x-ecs\.replicas: must be a whole number between 0 and 1000, got "many"$/),
      expect.stringMatching(/compose\.yaml:6:7 services\.web\.x-ecs\.colour: unknown key; allowed: replicas, cpu, memory, path, host/),
    ]);
    expect(result.project).toBeUndefined();
  });

  test.each([
    ["a number", "deploy: {replicas: 3}", 3],
    ["an interpolated string", "deploy: {replicas: '${REPLICAS:-4}'}", 4],
    ["the legacy scale key", "scale: 2", 2],
  ])("GIVEN replicas as %s WHEN loaded THEN the model has the count", (_name, yaml, count) => {
    const result = loadProject({ "compose.yaml": `services:\n  web:\n    image: x\n    ${yaml}\n` });
    expect(messages(result)).toEqual([]);
    expect(result.project?.services[0]?.deploy.replicas).toBe(count);
  });

  test.each([
    [
      "a number where the schema wants a duration",
      "    healthcheck: {test: [CMD, x], interval: 10}\n",
      /services\.web\.healthcheck\.interval: must be a string, got number 10/,
    ],
    [
      "a duration without unit",
      "    healthcheck: {test: [CMD, x], interval: '10'}\n",
      /compose\.yaml:4:45 services\.web\.healthcheck\.interval: must be a duration like "30s"/,
    ],
    ["a valid duration", "    healthcheck: {test: [CMD, x], interval: 10s}\n", null],
    ["a bad size", "    mem_limit: lots\n", /services\.web\.mem_limit: must be a size/],
    ["an sctp port", "    ports: ['80:80/sctp']\n", /services\.web\.ports\[0\]: protocol "sctp" is not supported by ECS/],
    ["a list healthcheck without CMD", "    healthcheck: {test: [curl, x]}\n", /must start with "CMD", "CMD-SHELL" or "NONE"/],
    ["negative replicas", "    deploy: {replicas: -1}\n", /compose\.yaml:4:24 services\.web\.deploy\.replicas: must be greater than or equal to 0/],
    ["replicas that are not a number", "    deploy: {replicas: 'two'}\n", /services\.web\.deploy\.replicas: must be a whole number, got "two"/],
    ["a negative scale", "    scale: -2\n", /services\.web\.scale: must be greater than or equal to 0/],
    ["an empty volume entry", "    volumes: ['']\n", /compose\.yaml:4:15 services\.web\.volumes\[0\]: volume entry is empty/],
    [
      "a long-syntax bind mount without source",
      "    volumes:\n      - {type: bind, target: /data}\n",
      /compose\.yaml:5:9 services\.web\.volumes\[0\]: a bind mount needs a "source"/,
    ],
    [
      "an environment entry without a name",
      "    environment: ['=value']\n",
      /compose\.yaml:4:19 services\.web\.environment\[0\]: "=value" has no variable name/,
    ],
    // Issue 11: "tab\there" was accepted and silently became the default of 3 retries.
    [
      "healthcheck retries that are not a number",
      '    healthcheck:\n      test: [CMD, x]\n      retries: "tab\\there"\n',
      /compose\.yaml:6:16 services\.web\.healthcheck\.retries: must be a whole number, got "tab\\there"$/,
    ],
    [
      "healthcheck retries from an unset variable's default",
      "    healthcheck: {test: [CMD, x], retries: '${RETRIES:-many}'}\n",
      /services\.web\.healthcheck\.retries: must be a whole number, got "many" \(written as "\$\{RETRIES:-many\}"\)/,
    ],
    [
      "negative healthcheck retries",
      "    healthcheck: {test: [CMD, x], retries: -2}\n",
      /services\.web\.healthcheck\.retries: must be greater than or equal to 0/,
    ],
    ["a ulimit that is not a number", "    ulimits: {nofile: lots}\n", /compose\.yaml:4:23 services\.web\.ulimits\.nofile: must be a whole number, got "lots"/],
    [
      "a soft ulimit that is not a number",
      "    ulimits: {nofile: {soft: x, hard: 10}}\n",
      /services\.web\.ulimits\.nofile\.soft: must be a whole number, got "x"/,
    ],
    ["an unlimited memlock (-1)", "    ulimits: {memlock: {soft: -1, hard: -1}}\n", null],
  ])("GIVEN %s WHEN loaded THEN a located error (or none when valid)", (_name, yaml, message) => {
    const result = loadProject({ "compose.yaml": `services:\n  web:\n    image: x\n${yaml}` });
    if (message === null) expect(messages(result)).toEqual([]);
    else expect(messages(result).join("\n")).toMatch(message);
  });
});

describe("secrets x-ecs.arn (issue 11: an ARN reaches the execution role's policy as its resource)", () => {
  const secretFile = (arn: string): string => `services:\n  web:\n    image: x\n    secrets: [db]\nsecrets:\n  db:\n    x-ecs:\n      arn: ${arn}\n`;

  test.each([
    ["a full ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-password-AbCdEf"],
    ["a partial ARN (no random suffix)", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db_password+v2=@.x"],
    ["a GovCloud ARN", "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-AbCdEf"],
    ["a China ARN", "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf"],
  ])("GIVEN %s WHEN loaded THEN the secret refers to it", (_name, arn) => {
    const result = loadProject({ "compose.yaml": secretFile(`'${arn}'`) });
    expect(messages(result)).toEqual([]);
    expect(result.project?.secrets).toEqual([{ name: "db", external: true, externalArn: arn }]);
  });

  test.each([
    [
      "a wildcard (granted GetSecretValue on every secret)",
      "'*'",
      /compose\.yaml:8:12 secrets\.db\.x-ecs\.arn: not a Secrets Manager secret ARN \(arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME\): "\*"$/,
    ],
    [
      "a Terraform expression after compose interpolation ($${...} -> ${...})",
      "'$${upper(path.cwd)}'",
      /secrets\.db\.x-ecs\.arn: not a Secrets Manager secret ARN .*: "\$\{upper\(path\.cwd\)\}"/,
    ],
    ["an ARN with a wildcard name", "'arn:aws:secretsmanager:eu-west-1:123456789012:secret:*'", /secrets\.db\.x-ecs\.arn: not a Secrets Manager secret ARN/],
    ["an ARN of another service", "'arn:aws:s3:::bucket'", /secrets\.db\.x-ecs\.arn: not a Secrets Manager secret ARN/],
    ["an account that is not 12 digits", "'arn:aws:secretsmanager:eu-west-1:1234:secret:db'", /secrets\.db\.x-ecs\.arn: not a Secrets Manager secret ARN/],
    [
      "an SSM parameter ARN",
      "'arn:aws:ssm:eu-west-1:123456789012:parameter/db'",
      /secrets\.db\.x-ecs\.arn: not a Secrets Manager secret ARN .*; SSM parameters are not supported/,
    ],
    ["a number", "12", /compose\.yaml:8:12 secrets\.db\.x-ecs\.arn: must be a Secrets Manager secret ARN, got 12$/],
  ])("GIVEN %s WHEN loaded THEN it is an error at the arn and nothing converts", (_name, arn, expected) => {
    const result = loadProject({ "compose.yaml": secretFile(arn) });
    expect(result.project).toBeUndefined();
    expect(messages(result)).toEqual([expect.stringMatching(expected)]);
  });
});
