'use strict';
/**
 * Node's Jest environment, plus: the lines a test logs through Nest's Logger (captured by
 * test/support/capture-logs.ts) are printed only when that test fails, under its name, so a
 * passing run shows no WARN or ERROR line that is really a test provoking a failure on purpose.
 * Lines logged in a `beforeAll` go with the file's next test.
 */
const { TestEnvironment } = require('jest-environment-node');

class CapturedLogsEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    this.global.__capturedLogLines = [];
  }

  handleTestEvent(event) {
    if (event.name !== 'test_done') return;
    const lines = this.global.__capturedLogLines;
    if (event.test.errors.length > 0 && lines.length > 0) {
      process.stderr.write(`Log lines of the failed test "${event.test.name}":\n${lines.join('\n')}\n`);
    }
    lines.length = 0;
  }
}

module.exports = CapturedLogsEnvironment;
