#!/usr/bin/env node
// Runs @aws/cloudformation-validate (offline: bundled schemas and rules) on
// each template given, in strict mode (WARN findings count as errors).
// The package ships a library, not a command, so this is its command line.
//
//   NODE_PATH=<prefix>/node_modules node deploy/aws/cfn-validate.cjs [--expect-fail] FILE...
//
// Exit status: 0 when every template is clean (or, with --expect-fail, when
// every template is rejected), 1 otherwise. Findings are printed as
// FILE:LINE:COL SEVERITY RULE message.
'use strict';

const { RegoEngine, TemplateFile, version } = require('@aws/cloudformation-validate');

const args = process.argv.slice(2);
const expectFail = args[0] === '--expect-fail';
const files = expectFail ? args.slice(1) : args;
if (files.length === 0) {
  console.error('usage: cfn-validate.cjs [--expect-fail] TEMPLATE...');
  process.exit(2);
}

const failing = new Set(['ERROR', 'FATAL']);
const engine = new RegoEngine();
let bad = 0;
try {
  for (const file of files) {
    const report = engine.validateStandard(new TemplateFile(file), { strict: true, severityLevel: 'WARN' });
    const errors = report.diagnostics.filter((d) => failing.has(d.severity));
    for (const d of report.diagnostics) {
      const where = d.startLine ? `${file}:${d.startLine}:${d.startColumn ?? 0}` : file;
      const entity = d.entity ? ` [${d.entity.logicalId}${d.propertyPath ? ' ' + d.propertyPath : ''}]` : '';
      console.log(`${where} ${d.severity} ${d.ruleId}${entity} ${d.message}`);
    }
    const rejected = report.status !== 'OK' || errors.length > 0;
    if (report.status !== 'OK') {
      console.log(`${file}: analysis status ${report.status}`);
    }
    if (rejected !== expectFail) {
      bad++;
      console.log(expectFail ? `${file}: NOT rejected, but it is a known-bad template` : `${file}: rejected`);
    } else {
      console.log(expectFail ? `${file}: rejected as expected (${errors.length} errors)` : `${file}: ok`);
    }
  }
} finally {
  engine.free();
}
console.log(`cloudformation-validate ${version()}: ${files.length - bad} passed, ${bad} failed`);
process.exit(bad === 0 ? 0 : 1);
