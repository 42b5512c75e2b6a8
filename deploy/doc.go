// Package deploy holds no code for the binaries: it is the home of the
// deployment artefacts (compose files at the repository root, the AWS
// CloudFormation stack in deploy/aws, the systemd unit in deploy/systemd, the
// NATS definitions in deploy/nats) and of the tests that check them offline:
//
//   - compose_test.go loads compose.yaml (and compose.sqs.yaml) with
//     compose-go and checks services, health checks, pinned images,
//     depends_on conditions and the environment the binaries read;
//   - cfnrules_test.go applies the rules no CloudFormation schema knows
//     (metric math, QueueName dimension, group metrics, IAM allow-list) to
//     deploy/aws/*.yaml and asserts that deploy/aws/testdata/bad-*.yaml
//     are rejected;
//   - nats_test.go creates the stream and consumer definitions on an
//     embedded JetStream server, checks the agent's JetStream driver
//     neither changes nor differs from them, and runs the 3-node cluster
//     example;
//   - systemd_test.go checks the unit's hardening and drain settings;
//   - binaries_test.go builds cmd/mssqldump and cmd/mssqldump-agent and
//     checks that they read every variable in envvars_test.go and that the
//     agent accepts the compose, Linux and Windows configurations;
//   - dockerfile_test.go checks the image build.
//
// scripts/validate-deploy.sh runs these together with the schema validator
// and shellcheck on the rendered user data.
package deploy
