/**
 * Jest reporter: ends the run with the plain line CI reads, `N passed, N failed`, and writes
 * the same counts to $COMPOSE2ECS_TEST_SUMMARY when set (for .ci/run).
 * A test file that fails to load counts as one failure, so a broken suite never reads as green.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const suiteErrors = results.testResults.filter((r) => r.testExecError || (r.failureMessage && r.numFailingTests === 0)).length;
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + suiteErrors;
    const line = `${passed} passed, ${failed} failed` + (results.numPendingTests ? `, ${results.numPendingTests} skipped` : "");
    process.stdout.write(`\n${line}\n`);
    if (process.env.COMPOSE2ECS_TEST_SUMMARY) {
      require("node:fs").writeFileSync(process.env.COMPOSE2ECS_TEST_SUMMARY, JSON.stringify({ passed, failed }) + "\n");
    }
  }
}
module.exports = SummaryReporter;
