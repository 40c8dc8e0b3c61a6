/**
 * What compose2ecs knows about well-known servers without running them: the ports an image
 * listens on and what each speaks, the ports of well-known protocols, and the port a URL scheme
 * means. One table, used by reference extraction (compose/references.ts: which port `DB_HOST=db`
 * means) and by the protocol decision (planner/protocols.ts: whether a port is an HTTP target).
 * docs/conversion.md ("Protocols") prints it; keep the two in step.
 */

/** What a port speaks: HTTP(S) can be an ALB target; the rest cannot. */
export type WireProtocol = "http" | "https" | "grpc" | "tcp" | "udp";

export interface KnownPort {
  readonly port: number;
  readonly protocol: WireProtocol;
}

export interface KnownImage {
  /** What the image is, for messages ("postgres image"). */
  readonly label: string;
  /** Matched against the repository name without registry, namespace and tag (`postgres`). */
  readonly name?: RegExp;
  /** Matched against the repository path with its namespace (`temporalio/auto-setup`), for generic names. */
  readonly path?: RegExp;
  /** The first port is the one a reference without a port means. */
  readonly ports: readonly KnownPort[];
}

const tcp = (port: number): KnownPort => ({ port, protocol: "tcp" });
const http = (port: number): KnownPort => ({ port, protocol: "http" });
const grpc = (port: number): KnownPort => ({ port, protocol: "grpc" });
const udp = (port: number): KnownPort => ({ port, protocol: "udp" });

export const KNOWN_IMAGES: readonly KnownImage[] = [
  {
    label: "PostgreSQL",
    name: /^(postgres|postgresql|postgis|pgvector|timescaledb|timescaledb-ha|zulip-postgresql|postgresql-repmgr|supabase-postgres)$/,
    ports: [tcp(5432)],
  },
  { label: "MySQL", name: /^(mysql|mysql-server|mariadb|percona|percona-server)$/, ports: [tcp(3306)] },
  { label: "Redis", name: /^(redis|valkey|keydb|dragonfly)(-stack-server)?$/, ports: [tcp(6379)] },
  { label: "Memcached", name: /^memcached$/, ports: [tcp(11211)] },
  { label: "MongoDB", name: /^mongo(db)?(-community-server)?$/, ports: [tcp(27017)] },
  { label: "RabbitMQ", name: /^rabbitmq$/, ports: [tcp(5672), http(15672)] },
  { label: "ClickHouse", name: /^clickhouse(-server)?$/, ports: [http(8123), tcp(9000), tcp(9009)] },
  { label: "Elasticsearch", name: /^(elasticsearch|opensearch)$/, ports: [http(9200), tcp(9300)] },
  { label: "MinIO", name: /^minio$/, ports: [http(9000), http(9001)] },
  { label: "NATS", name: /^nats(-streaming)?$/, ports: [tcp(4222), http(8222)] },
  { label: "Kafka", name: /^(kafka|cp-kafka)$/, ports: [tcp(9092)] },
  { label: "ZooKeeper", name: /^(zookeeper|cp-zookeeper)$/, ports: [tcp(2181)] },
  { label: "etcd", name: /^etcd$/, ports: [grpc(2379)] },
  { label: "Cassandra", name: /^cassandra$/, ports: [tcp(9042)] },
  { label: "SQL Server", name: /^mssql(-server)?$/, ports: [tcp(1433)] },
  { label: "Neo4j", name: /^neo4j$/, ports: [http(7474), tcp(7687)] },
  { label: "Mosquitto (MQTT)", name: /^(eclipse-)?mosquitto$/, ports: [tcp(1883)] },
  { label: "OpenLDAP", name: /^openldap$/, ports: [tcp(389)] },
  { label: "SMTP relay", name: /^(smtp|postfix|docker-postfix|exim4?|smtp-relay|docker-smtp)$/, ports: [tcp(25), tcp(587)] },
  { label: "mail catcher", name: /^(mailpit|mailhog|mailcatcher|maildev)$/, ports: [tcp(1025), http(8025), http(1080)] },
  { label: "Jaeger", name: /^jaeger$/, ports: [http(16686), grpc(4317), http(4318), http(14268), udp(6831)] },
  { label: "Jaeger", path: /jaegertracing\/all-in-one$/, ports: [http(16686), grpc(4317), http(4318), http(14268), udp(6831)] },
  { label: "OpenTelemetry collector", name: /^opentelemetry-collector(-contrib)?$/, ports: [grpc(4317), http(4318)] },
  { label: "Temporal server", path: /temporalio\/(auto-setup|server)$/, ports: [grpc(7233)] },
  { label: "Gotenberg", name: /^gotenberg$/, ports: [http(3000)] },
  { label: "Apache Tika", name: /^tika$/, ports: [http(9998)] },
  { label: "Consul", name: /^consul$/, ports: [http(8500)] },
  { label: "Vault", name: /^vault$/, ports: [http(8200)] },
  { label: "InfluxDB", name: /^influxdb$/, ports: [http(8086)] },
  { label: "CouchDB", name: /^couchdb$/, ports: [http(5984)] },
  { label: "Prometheus", name: /^prometheus$/, ports: [http(9090)] },
  { label: "Grafana", name: /^grafana(-oss|-enterprise)?$/, ports: [http(3000)] },
  { label: "Jenkins", name: /^jenkins$/, ports: [http(8080), tcp(50000)] },
  { label: "Docker registry", name: /^registry$/, ports: [http(5000)] },
  { label: "web server", name: /^(nginx|nginx-unprivileged|httpd|apache2?|caddy|traefik|haproxy|openresty)$/, ports: [http(80)] },
  { label: "web app", name: /^(wordpress|drupal|nextcloud|joomla|matomo|phpmyadmin|adminer)$/, ports: [http(80)] },
];

/**
 * Ports of protocols that are never HTTP, whatever the image: a published 5432 or 25 of an
 * unknown image is still a database or a mail server, never an HTTP target.
 */
export const NON_HTTP_PORTS: Readonly<Record<number, string>> = {
  21: "FTP",
  22: "SSH",
  25: "SMTP",
  53: "DNS",
  110: "POP3",
  143: "IMAP",
  389: "LDAP",
  465: "SMTPS",
  587: "SMTP submission",
  636: "LDAPS",
  993: "IMAPS",
  995: "POP3S",
  1433: "SQL Server",
  1521: "Oracle",
  1883: "MQTT",
  2181: "ZooKeeper",
  3306: "MySQL",
  4222: "NATS",
  5432: "PostgreSQL",
  5671: "AMQPS",
  5672: "AMQP",
  6379: "Redis",
  7687: "Bolt (Neo4j)",
  8883: "MQTTS",
  9042: "Cassandra",
  9092: "Kafka",
  11211: "Memcached",
  27017: "MongoDB",
};

/** The port a URL scheme means when the URL writes none (`postgresql+psycopg2` counts as `postgresql`). */
export const SCHEME_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  ws: 80,
  https: 443,
  wss: 443,
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  mariadb: 3306,
  redis: 6379,
  rediss: 6379,
  valkey: 6379,
  memcache: 11211,
  memcached: 11211,
  mongodb: 27017,
  amqp: 5672,
  amqps: 5671,
  nats: 4222,
  kafka: 9092,
  smtp: 25,
  smtps: 465,
  submission: 587,
  ldap: 389,
  ldaps: 636,
  clickhouse: 9000,
  mqtt: 1883,
  mqtts: 8883,
  ftp: 21,
  sftp: 22,
  ssh: 22,
};

/** The repository name of an image: `docker.io/library/postgres:16@sha256:...` is `postgres`. */
export function imageRepositoryName(image: string): string {
  const noDigest = image.split("@")[0] ?? image;
  const last = noDigest.split("/").pop() ?? noDigest;
  return (last.split(":")[0] ?? last).toLowerCase();
}

/** The table's entry for an image, if it knows it. */
export function knownImage(image: string | undefined): KnownImage | undefined {
  if (image === undefined) return undefined;
  const name = imageRepositoryName(image);
  const path = (image.split("@")[0] ?? image).replace(/:[^/:]*$/, "").toLowerCase();
  return KNOWN_IMAGES.find((e) => (e.name !== undefined && e.name.test(name)) || (e.path !== undefined && e.path.test(path)));
}

/** The port an image serves by default (the one `DB_HOST=db` means), if the table knows it. */
export function imageDefaultPort(image: string | undefined): number | undefined {
  return knownImage(image)?.ports[0]?.port;
}

/** The port a URL scheme means, if the table knows it. */
export function schemePort(scheme: string): number | undefined {
  const base = scheme.toLowerCase().split("+")[0] ?? "";
  return SCHEME_PORTS[base];
}
