/**
 * What the verifier knows about images and URL schemes without asking the generator: the port a
 * reference means when it writes none, and whether a port speaks HTTP (an ALB HTTP target group
 * can serve it) or not. docs/verify.md prints this table; keep the two in step.
 */

export type PortClass = "http" | "grpc" | "tcp" | "udp";

export interface ImagePort {
  readonly port: number;
  readonly kind: PortClass;
}

export interface ImageEntry {
  /** What the image is, for messages and the docs table. */
  readonly label: string;
  /** Matched against the image's repository name (registry, namespace and tag removed). */
  readonly match?: RegExp;
  /** Matched against the repository path with its namespace (`temporalio/server`), for generic names. */
  readonly path?: RegExp;
  /** The first port is the one a reference without a port means. */
  readonly ports: readonly ImagePort[];
}

const tcp = (port: number): ImagePort => ({ port, kind: "tcp" });
const http = (port: number): ImagePort => ({ port, kind: "http" });
const grpc = (port: number): ImagePort => ({ port, kind: "grpc" });
const udp = (port: number): ImagePort => ({ port, kind: "udp" });

export const IMAGE_TABLE: readonly ImageEntry[] = [
  { label: "PostgreSQL", match: /^(postgres|postgresql|postgis|pgvector|timescaledb|zulip-postgresql|bitnami-postgresql)(-|$)/, ports: [tcp(5432)] },
  { label: "MySQL / MariaDB", match: /^(mysql|mariadb|percona|percona-server)(-|$)/, ports: [tcp(3306)] },
  { label: "Redis / Valkey / KeyDB / Dragonfly", match: /^(redis|valkey|keydb|dragonfly)(-stack-server)?$/, ports: [tcp(6379)] },
  { label: "Memcached", match: /^memcached$/, ports: [tcp(11211)] },
  { label: "MongoDB", match: /^mongo(db)?(-community-server)?$/, ports: [tcp(27017)] },
  { label: "RabbitMQ", match: /^rabbitmq$/, ports: [tcp(5672), http(15672)] },
  { label: "ClickHouse", match: /^clickhouse(-server)?$/, ports: [http(8123), tcp(9000), tcp(9009)] },
  { label: "Elasticsearch / OpenSearch", match: /^(elasticsearch|opensearch)$/, ports: [http(9200), tcp(9300)] },
  { label: "MinIO", match: /^minio$/, ports: [http(9000), http(9001)] },
  { label: "NATS", match: /^nats(-streaming)?$/, ports: [tcp(4222), http(8222)] },
  { label: "Kafka", match: /^(kafka|cp-kafka)$/, ports: [tcp(9092)] },
  { label: "ZooKeeper", match: /^(zookeeper|cp-zookeeper)$/, ports: [tcp(2181)] },
  { label: "etcd", match: /^etcd$/, ports: [grpc(2379)] },
  { label: "Cassandra", match: /^cassandra$/, ports: [tcp(9042)] },
  { label: "Microsoft SQL Server", match: /^mssql(-server)?$/, ports: [tcp(1433)] },
  { label: "Neo4j", match: /^neo4j$/, ports: [http(7474), tcp(7687)] },
  { label: "Mosquitto (MQTT)", match: /^(eclipse-)?mosquitto$/, ports: [tcp(1883)] },
  { label: "OpenLDAP", match: /^openldap$/, ports: [tcp(389)] },
  { label: "SMTP relays", match: /^(smtp|postfix|docker-postfix|exim4?|smtp-relay|docker-smtp)$/, ports: [tcp(25), tcp(587)] },
  { label: "Mail catchers", match: /^(mailpit|mailhog|mailcatcher|maildev)$/, ports: [tcp(1025), http(8025), http(1080)] },
  { label: "Jaeger", match: /^jaeger$/, ports: [http(16686), grpc(4317), http(4318), http(14268), udp(6831)] },
  { label: "Jaeger (all-in-one)", path: /jaegertracing\/all-in-one$/, ports: [http(16686), grpc(4317), http(4318), http(14268), udp(6831)] },
  { label: "OpenTelemetry collector", match: /^opentelemetry-collector(-contrib)?$/, ports: [grpc(4317), http(4318)] },
  { label: "Temporal server", path: /temporalio\/(auto-setup|server)$/, ports: [grpc(7233)] },
  { label: "Gotenberg", match: /^gotenberg$/, ports: [http(3000)] },
  { label: "Apache Tika", match: /^tika$/, ports: [http(9998)] },
  { label: "Consul", match: /^consul$/, ports: [http(8500)] },
  { label: "Vault", match: /^vault$/, ports: [http(8200)] },
  { label: "InfluxDB", match: /^influxdb$/, ports: [http(8086)] },
  { label: "CouchDB", match: /^couchdb$/, ports: [http(5984)] },
  { label: "Prometheus", match: /^prometheus$/, ports: [http(9090)] },
  { label: "Grafana", match: /^grafana(-oss|-enterprise)?$/, ports: [http(3000)] },
  { label: "Jenkins", match: /^jenkins$/, ports: [http(8080), tcp(50000)] },
  { label: "Tomcat", match: /^tomcat$/, ports: [http(8080)] },
  { label: "Docker registry", match: /^registry$/, ports: [http(5000)] },
  {
    label: "Web servers and proxies (nginx, httpd, Caddy, Traefik, HAProxy)",
    match: /^(nginx|nginx-unprivileged|httpd|apache2?|caddy|traefik|haproxy|openresty)$/,
    ports: [http(80)],
  },
  {
    label: "Common web apps (WordPress, Drupal, Nextcloud, Joomla)",
    match: /^(wordpress|drupal|nextcloud|joomla|matomo|phpmyadmin|adminer)$/,
    ports: [http(80)],
  },
];

/** The repository name of an image: `docker.io/library/postgres:16@sha256:...` -> `postgres`. */
export function imageName(image: string): string {
  const noDigest = image.split("@")[0] ?? image;
  const last = noDigest.split("/").pop() ?? noDigest;
  return (last.split(":")[0] ?? last).toLowerCase();
}

export function lookupImage(image: string | undefined): ImageEntry | undefined {
  if (image === undefined) return undefined;
  const name = imageName(image);
  const path = (image.split("@")[0] ?? image).replace(/:[^/:]*$/, "").toLowerCase();
  return IMAGE_TABLE.find((e) => (e.match !== undefined && e.match.test(name)) || (e.path !== undefined && e.path.test(path)));
}

/** Ports a URL scheme means when the URL writes none. */
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
  grpc: 80,
};

/** The port a URL scheme (`postgresql+psycopg2` -> `postgresql`) means, if the table knows it. */
export function schemePort(scheme: string): number | undefined {
  const base = scheme.toLowerCase().split("+")[0] ?? "";
  return SCHEME_PORTS[base];
}

/** compose `app_protocol` values (and `x-aws-protocol`) in the verifier's classes. */
export function appProtocolClass(appProtocol: string): PortClass {
  const p = appProtocol.toLowerCase();
  if (["http", "https", "http2", "h2", "h2c", "ws", "wss"].includes(p)) return "http";
  if (p === "grpc") return "grpc";
  if (p === "udp") return "udp";
  return "tcp";
}
