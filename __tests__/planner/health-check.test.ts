import { containerHealthCheck, httpProbePath, targetHealthCheck } from "../../planner/health-check";

const hc = (test: string[]) => ({ test, disabled: false, intervalSeconds: 30, timeoutSeconds: 5, retries: 3 });

describe("planner: health checks", () => {
  test.each([
    [["CMD", "curl", "-f", "http://localhost:8080/health"], 8080, "/health"],
    [["CMD-SHELL", "wget -qO- http://localhost:8080/actuator/health || exit 1"], 8080, "/actuator/health"],
    [["CMD-SHELL", "curl -fs http://127.0.0.1/ready"], 80, "/ready"],
    [["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:5000/health')"], 5000, "/health"],
    [["CMD", "curl", "-f", "http://localhost:8080"], 8080, "/"],
    [["CMD", "curl", "-f", "http://localhost:9090/metrics"], 8080, undefined],
    [["CMD", "curl", "-f", "http://db:8080/health"], 8080, undefined],
    [["CMD", "redis-cli", "ping"], 6379, undefined],
  ])("GIVEN healthcheck %j on port %s THEN the HTTP probe path is %s", (test, port, expected) => {
    expect(httpProbePath(hc(test), port)).toBe(expected);
  });

  test.each([
    ["an HTTP probe beats x-ecs", hc(["CMD", "curl", "http://localhost:80/ping"]), "/x", "/ping"],
    ["x-ecs healthCheckPath when the probe is not HTTP", hc(["CMD", "redis-cli", "ping"]), "/x", "/x"],
    ["/ when nothing says otherwise", undefined, undefined, "/"],
  ])("GIVEN %s THEN the target group checks the right path", (_label, check, path, expected) => {
    expect(targetHealthCheck(check, 80, path).path).toBe(expected);
  });

  test("GIVEN compose timings outside ALB limits THEN they are clamped and the timeout stays below the interval", () => {
    const result = targetHealthCheck({ test: ["CMD", "true"], disabled: false, intervalSeconds: 2, timeoutSeconds: 30, retries: 20 }, 80, undefined);
    expect(result.intervalSeconds).toBe(5);
    expect(result.timeoutSeconds).toBe(4);
    expect(result.unhealthyThreshold).toBe(10);
  });

  test("GIVEN a disabled healthcheck THEN the container has none", () => {
    expect(containerHealthCheck({ disabled: true })).toBeUndefined();
  });

  test("GIVEN compose defaults THEN the container check uses compose's 30 s / 30 s / 3 retries", () => {
    expect(containerHealthCheck({ test: ["CMD-SHELL", "true"], disabled: false })).toEqual({
      command: ["CMD-SHELL", "true"],
      interval: 30,
      timeout: 30,
      retries: 3,
      startPeriod: 0,
    });
  });
});
