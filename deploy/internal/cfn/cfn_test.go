package cfn

import (
	"reflect"
	"strings"
	"testing"
)

func mustParse(t *testing.T, text string) *Template {
	t.Helper()
	tpl, err := Parse("inline.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func TestShortFormTagsExpandToLongForm(t *testing.T) {
	tpl := mustParse(t, `
Resources:
  A:
    Type: X
    Properties:
      Ref: !Ref B
      Att: !GetAtt B.Arn
      Sub: !Sub "${B}-x"
      SubList: !Sub ["${X}", {X: !Ref B}]
      If: !If [Cond, !Ref B, !Ref AWS::NoValue]
      B64:
        Fn::Base64: !Sub "x"
`)
	props := tpl.Resources()[0].Properties
	want := map[string]any{
		"Ref":     map[string]any{"Ref": "B"},
		"Att":     map[string]any{"Fn::GetAtt": []any{"B", "Arn"}},
		"Sub":     map[string]any{"Fn::Sub": "${B}-x"},
		"SubList": map[string]any{"Fn::Sub": []any{"${X}", map[string]any{"X": map[string]any{"Ref": "B"}}}},
		"If":      map[string]any{"Fn::If": []any{"Cond", map[string]any{"Ref": "B"}, map[string]any{"Ref": "AWS::NoValue"}}},
		"B64":     map[string]any{"Fn::Base64": map[string]any{"Fn::Sub": "x"}},
	}
	if !reflect.DeepEqual(props, want) {
		t.Errorf("got %#v\nwant %#v", props, want)
	}
}

func TestUnknownTagIsAnError(t *testing.T) {
	if _, err := Parse("x.yaml", []byte("A: !Bogus x\n")); err == nil || !strings.Contains(err.Error(), "!Bogus") {
		t.Fatalf("Parse = %v, want an error naming !Bogus", err)
	}
}

func TestDuplicateKeysAreAnError(t *testing.T) {
	if _, err := Parse("x.yaml", []byte("A: 1\nA: 2\n")); err == nil {
		t.Fatal("duplicate key accepted")
	}
}

func TestSubRendersParametersPseudoParametersAttributesAndLiterals(t *testing.T) {
	tpl := mustParse(t, `
Parameters:
  Bucket: {Type: String}
  Prefix: {Type: String, Default: agents/}
Conditions:
  On: !Equals [a, a]
Resources:
  Q: {Type: AWS::SQS::Queue}
`)
	v := map[string]any{"Fn::Sub": []any{
		"${AWS::Region} ${Bucket} ${Prefix} ${Q.QueueName} ${!Literal} ${X}",
		map[string]any{"X": map[string]any{"Fn::If": []any{"On", "yes", "no"}}},
	}}
	got, err := tpl.Eval(v, Env{Params: map[string]string{"Bucket": "b"}, Conditions: map[string]bool{"On": true}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "eu-west-1 b agents/ sample-q-queuename ${Literal} yes"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := tpl.Eval(map[string]any{"Fn::Sub": "${Nope}"}, Env{}); err == nil {
		t.Error("Sub of an unknown name succeeded")
	}
}

func TestHeredocsAreFoundInOrder(t *testing.T) {
	script := "a\ncat > x <<'ONE'\nline1\nONE\ncat <<TWO\nline2\nline3\nTWO\n"
	got := HeredocList(script)
	if len(got) != 2 || got[0].Word != "ONE" || got[0].Body != "line1\n" || got[1].Body != "line2\nline3\n" {
		t.Errorf("got %+v", got)
	}
}

func rulesOf(fs []Finding) map[string]bool {
	m := map[string]bool{}
	for _, f := range fs {
		m[f.Rule] = true
	}
	return m
}

func TestOmittedReturnDataCountsAsReturningData(t *testing.T) {
	tpl := mustParse(t, `
Resources:
  A:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Metrics:
        - Id: m1
          MetricStat: {Metric: {Namespace: AWS/SQS, MetricName: ApproximateNumberOfMessagesVisible, Dimensions: [{Name: QueueName, Value: q}]}}
        - Id: e1
          Expression: m1 * 2
`)
	if fs := Check(tpl); !rulesOf(fs)[RuleOneResult] {
		t.Errorf("two queries defaulting to ReturnData true not flagged: %v", fs)
	}
}

func TestExpressionsMayUseOnlyDeclaredIDs(t *testing.T) {
	tpl := mustParse(t, `
Resources:
  A:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Metrics:
        - {Id: m1, ReturnData: false, MetricStat: {Metric: {Namespace: AWS/SQS, MetricName: X, Dimensions: [{Name: QueueName, Value: q}]}}}
        - {Id: e1, Expression: "IF(m1 > 0 AND m3 == 0, 1, 0)", ReturnData: true}
`)
	fs := Check(tpl)
	if !rulesOf(fs)[RuleMetricIDs] || len(fs) != 1 {
		t.Errorf("unknown id m3 not flagged alone: %v", fs)
	}
}

func TestStarResourceIsOnlyForActionsWithoutResourceScoping(t *testing.T) {
	tpl := mustParse(t, `
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyDocument:
            Statement:
              - {Effect: Allow, Action: sqs:ListQueues, Resource: "*"}
              - {Effect: Allow, Action: [sqs:DeleteQueue], Resource: "*"}
              - {Effect: Deny, Action: "s3:*", Resource: "*"}
`)
	fs := Check(tpl)
	if len(fs) != 1 || fs[0].Rule != RuleIAMStarResource || !strings.Contains(fs[0].Message, "sqs:DeleteQueue") {
		t.Errorf("want exactly the DeleteQueue-on-* finding, got %v", fs)
	}
}

func TestManagedPoliciesOutsideTheAllowListAreRejected(t *testing.T) {
	tpl := mustParse(t, `
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - !Sub "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
        - arn:aws:iam::aws:policy/AdministratorAccess
`)
	fs := Check(tpl)
	if len(fs) != 1 || fs[0].Rule != RuleManagedPolicies || !strings.Contains(fs[0].Message, "AdministratorAccess") {
		t.Errorf("got %v", fs)
	}
}

func TestBucketsMustBeLockedDown(t *testing.T) {
	tpl := mustParse(t, `
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties: {}
`)
	got := rulesOf(Check(tpl))
	for _, r := range []string{RuleBucketPublic, RuleBucketSSE, RuleBucketMultipart, RuleBucketTLS} {
		if !got[r] {
			t.Errorf("bare bucket not flagged by %s", r)
		}
	}
}

func TestQueuesNeedEncryptionAndRedriveExceptTheDeadLetterQueue(t *testing.T) {
	tpl := mustParse(t, `
Resources:
  Dlq: {Type: AWS::SQS::Queue, Properties: {SqsManagedSseEnabled: true}}
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: true
      RedrivePolicy: {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}
  Plain: {Type: AWS::SQS::Queue}
`)
	fs := Check(tpl)
	if len(fs) != 2 {
		t.Fatalf("want SSE and redrive findings for Plain only, got %v", fs)
	}
	for _, f := range fs {
		if f.Resource != "Plain" {
			t.Errorf("unexpected finding %v", f)
		}
	}
}
